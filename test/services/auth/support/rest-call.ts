export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One REST call through the gateway, as a client behind a proxy at `address` (the gateway trusts X-Forwarded-For from loopback). */
export async function restCall(baseUrl: string, method: string, path: string, options: { body?: unknown; token?: string; address: string }): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      'x-forwarded-for': options.address,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
