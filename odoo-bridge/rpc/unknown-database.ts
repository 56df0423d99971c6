import { OdooError } from '../errors.ts';

/**
 * What Odoo answers for a database it does not have: psycopg2's connection error, text and
 * all (Odoo's own PostgreSQL is on 127.0.0.1:5432 from its point of view, so that is what
 * the recorded message says).
 */
export function unknownDatabase(name: unknown): OdooError {
  const message = `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(name)}" does not exist\n`;
  return new OdooError('psycopg2.OperationalError', message);
}
