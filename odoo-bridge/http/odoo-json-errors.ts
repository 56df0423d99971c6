import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { OdooError } from '../errors.ts';

export interface OdooJsonError {
  code: number;
  message: string;
  data: { name: string; debug: string; message: string; arguments: unknown[]; context: Record<string, unknown> };
}

/**
 * Turns anything thrown while serving a call into an OdooError. Errors that are not Odoo's
 * (a bug, a lost database) are logged with a reference and answered as a generic server
 * error carrying only that reference: no stack, no SQL reaches the client.
 */
export function asOdooError(error: unknown, logger: Logger): OdooError {
  if (error instanceof OdooError) return error;
  const reference = randomUUID();
  logger.error({ err: error, reference }, 'internal error while serving a call');
  return new OdooError('builtins.Exception', `Ficus could not complete the call (reference ${reference}).`);
}

/** Odoo 18's JSON-RPC error object (odoo/http.py `serialize_exception` and `JsonRPCDispatcher.handle_error`). */
export function odooJsonError(error: OdooError): OdooJsonError {
  const data = {
    name: error.exceptionName,
    // Odoo puts the Python traceback here; Ficus has none to give, only the exception line.
    debug: `${error.exceptionName}: ${error.message}\n`,
    message: error.message,
    arguments: error.arguments,
    context: error.context,
  };
  if (error.exceptionName === 'odoo.http.SessionExpiredException') return { code: 100, message: 'Odoo Session Expired', data };
  if (error.exceptionName === 'werkzeug.exceptions.NotFound') return { code: 404, message: '404: Not Found', data };
  return { code: 200, message: 'Odoo Server Error', data };
}

export const NOT_FOUND_DESCRIPTION =
  '404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

export function notFoundError(): OdooError {
  return new OdooError('werkzeug.exceptions.NotFound', NOT_FOUND_DESCRIPTION, { arguments: [] });
}
