import type { Exec } from './xmlrpc-member.ts';

/**
 * A demo login over Odoo's `/jsonrpc` (service `common` to authenticate, `object.execute_kw` for
 * model calls), as external JSON clients call it. An error object is thrown with Odoo's message.
 */
export function odooJsonRpcUser(url: string, db: string, login: string, password = login): { exec: Exec; uid: () => number; login(): Promise<void> } {
  const endpoint = new URL('/jsonrpc', url).toString();
  let id = 0;
  const call = async (service: string, method: string, args: unknown[]): Promise<unknown> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: ++id }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { message: string; data?: { name?: string; message?: string } } };
    if (body.error) throw new Error(`${body.error.data?.name ?? 'error'}: ${body.error.data?.message ?? body.error.message}`);
    return body.result;
  };
  let uid = 0;
  return {
    async login() {
      uid = Number(await call('common', 'authenticate', [db, login, password, {}]));
      if (!uid) throw new Error(`login ${login} refused`);
    },
    uid: () => uid,
    exec: (model, method, args, kwargs = {}) => call('object', 'execute_kw', [db, uid, password, model, method, args, kwargs]),
  };
}
