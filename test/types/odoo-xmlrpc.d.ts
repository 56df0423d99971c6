/** npm odoo-xmlrpc ships no types; this is the callback API its README documents. */
declare module 'odoo-xmlrpc' {
  type Callback<T> = (error: unknown, value: T) => void;
  export default class OdooXmlrpc {
    constructor(config: { url: string; port?: number; db: string; username: string; password: string });
    connect(callback: Callback<number>): void;
    execute_kw<T>(model: string, method: string, params: unknown[], callback: Callback<T>): void;
  }
}
