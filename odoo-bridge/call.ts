import type pg from 'pg';

/** How a call reached the gateway, for its log line and metrics. */
export type Transport = 'xmlrpc' | 'xmlrpc-legacy' | 'jsonrpc' | 'web' | 'json2';

/**
 * One model call, whatever transport brought it: XML-RPC/JSON-RPC `execute_kw`, the web
 * client's `call_kw`, or JSON-2. Every transport reduces its request to this, and every
 * handler (ORM engine, upstream proxy, owning service) answers it.
 */
export interface OdooCall {
  /** Database name as the client sent it (the `db` argument, the session's db, or X-Odoo-Database). */
  database: string;
  /** The authenticated user. */
  uid: number;
  model: string;
  method: string;
  /** Positional arguments after the model and method (for `read`: `[ids, fields]`). */
  args: unknown[];
  /** Keyword arguments; `context` lives here as in Odoo. */
  kwargs: Record<string, unknown>;
  /** Unset for calls made inside Ficus (shadow reads, syncs). */
  transport?: Transport;
  /**
   * A web route's own work on `model` instead of a method a client names: `resequence` is
   * `/web/dataset/resequence` (its arguments in `kwargs`), whose writes share one transaction as
   * the route's do in Odoo. A handler without it refuses with the missing-behaviour error.
   */
  webRoute?: 'resequence';
}

/** Answers a call with the value Odoo would return, or throws an `OdooError` (odoo-bridge/errors.ts). */
export type CallHandler = (call: OdooCall) => Promise<unknown>;

/** A database the gateway serves, by the name clients use for it. */
export interface ServedDatabase {
  name: string;
  pool: pg.Pool;
}
