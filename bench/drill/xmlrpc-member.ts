import xmlrpc from 'xmlrpc';

export type Exec = (model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) => Promise<unknown>;

/** A demo login (password = login) over plain XML-RPC, as Odoo's external API documentation writes it. */
export function xmlRpcMember(url: string, db: string, login: string): { exec: Exec; uid: () => number; login(): Promise<void> } {
  const u = new URL(url);
  const common = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: '/xmlrpc/2/common' });
  const object = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: '/xmlrpc/2/object' });
  const call = (client: xmlrpc.Client, method: string, params: unknown[]) =>
    new Promise<unknown>((resolve, reject) => client.methodCall(method, params, (error, value) => (error ? reject(error) : resolve(value))));
  let uid = 0;
  return {
    async login() {
      uid = Number(await call(common, 'authenticate', [db, login, login, {}]));
      if (!uid) throw new Error(`login ${login} refused`);
    },
    uid: () => uid,
    exec: (model, method, args, kwargs = {}) => call(object, 'execute_kw', [db, uid, login, model, method, args, kwargs]),
  };
}
