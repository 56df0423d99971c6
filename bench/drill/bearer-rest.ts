/** One answer of a service's REST API: status and parsed body (problem+json included). */
export interface RestAnswer {
  status: number;
  body: any;
}

export type RestVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A service's REST API as a user's app calls it: a bearer token per user (`tokens` by uid), a JSON
 * body when there is one, an Idempotency-Key on a create. `send` answers whatever came back;
 * `expect` throws unless the status is one of `expected` (the drill counts it as failed; the
 * message names the route, ids and query left out, and the status, so a 404 reads as one).
 */
export function bearerRest(baseUrl: string, tokens: Record<string, string>) {
  const send = async (method: RestVerb, path: string, uid: number, body?: unknown, idempotencyKey?: string): Promise<RestAnswer> => {
    const token = tokens[String(uid)];
    if (!token) throw new Error(`no REST token for user ${uid}`);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  };
  /** Throws the answer as a failed call of `what` (`METHOD /route`). */
  const fail = (what: string, answer: RestAnswer): never => {
    throw new Error(`REST ${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  };
  return {
    send,
    fail,
    async expect<T>(method: RestVerb, path: string, uid: number, expected: readonly number[], body?: unknown, idempotencyKey?: string): Promise<T> {
      const answer = await send(method, path, uid, body, idempotencyKey);
      if (!expected.includes(answer.status)) fail(`${method} ${path.replace(/\/\d+/g, '/:id').replace(/\?.*/, '')}`, answer);
      return answer.body as T;
    },
  };
}
