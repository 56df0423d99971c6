import { OdooError } from '../../errors.ts';
import { XmlRpcMarshalError, XmlRpcParseError } from './errors.ts';
import { pythonExceptionStr, pythonRepr, pythonStr } from './python-repr.ts';
import { serializeFault } from './serialize.ts';
import type { XmlRpcFault } from './values.ts';

/**
 * Which fault dialect an endpoint speaks: `/xmlrpc/2/<service>` answers with integer fault codes
 * (`xmlrpc_handle_exception_int`), the legacy `/xmlrpc/<service>` with string codes
 * (`xmlrpc_handle_exception_string`), both in Odoo 18's `odoo/addons/base/controllers/rpc.py`.
 */
export type FaultDialect = 'int' | 'legacy';

/**
 * The fault Odoo 18 would answer for `error`, with one deliberate difference. Odoo's UserError
 * family keeps its message and its fault code; anything else is fault 1 (or, on legacy paths, the
 * exception text as faultCode). Where Odoo puts the formatted Python traceback into the
 * faultString, Ficus puts only the exception line (`traceback.format_exception_only`, e.g.
 * `ValueError: Invalid leaf ('name', '~', 'x')`): Ficus has no Python frames to show, made-up
 * frames read as a leak to scanners and operators, and no client parses them (MIGRATION.md,
 * "Deliberate differences from the monolith"). Errors that are not `OdooError`s (gateway bugs,
 * driver errors) are reduced to a fixed text so that no SQL, path or secret leaks.
 */
export function faultFor(error: unknown, dialect: FaultDialect): XmlRpcFault {
  const exception = asPythonException(error);
  const message = exceptionStr(exception);
  const name = exception.name;

  if (dialect === 'int') {
    if (name === 'odoo.exceptions.RedirectWarning') return { faultCode: 2, faultString: message };
    if (name === 'odoo.exceptions.AccessError') return { faultCode: 4, faultString: message };
    if (name === 'odoo.exceptions.AccessDenied') return { faultCode: 3, faultString: message };
    if (isUserErrorFamily(name)) return { faultCode: 2, faultString: message };
    return { faultCode: 1, faultString: exceptionLine(exception) };
  }

  if (name === 'odoo.exceptions.RedirectWarning') return { faultCode: `warning -- Warning\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.MissingError') return { faultCode: `warning -- MissingError\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.AccessError') return { faultCode: `warning -- AccessError\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.AccessDenied') return { faultCode: 'AccessDenied', faultString: message };
  if (isUserErrorFamily(name)) return { faultCode: `warning -- UserError\n\n${message}`, faultString: '' };
  return { faultCode: exceptionToUnicode(exception), faultString: exceptionLine(exception) };
}

/** `faultFor` written out as the response body Odoo would send. */
export function serializeFaultFor(error: unknown, dialect: FaultDialect): string {
  const fault = faultFor(error, dialect);
  return serializeFault(fault.faultCode, fault.faultString);
}

/** What of an error Odoo's exception handlers look at: the Python class and `exc.args`. */
interface PythonException {
  name: string;
  args: readonly unknown[];
}

const INTERNAL_ERROR_TEXT = 'Internal server error';

function asPythonException(error: unknown): PythonException {
  if (error instanceof OdooError) return { name: error.exceptionName, args: error.arguments };
  if (error instanceof XmlRpcParseError) return { name: error.pythonException, args: [error.message] };
  if (error instanceof XmlRpcMarshalError) return { name: error.pythonException, args: [error.message] };
  return { name: 'builtins.Exception', args: [INTERNAL_ERROR_TEXT] };
}

const isUserErrorFamily = (name: string) => name.startsWith('odoo.exceptions.');

/** `str(exc)`; KeyError is the one builtin that prints its single argument as a repr. */
function exceptionStr(exception: PythonException): string {
  if (exception.name === 'builtins.KeyError' && exception.args.length === 1) return pythonRepr(exception.args[0]);
  return pythonExceptionStr(exception.args);
}

/** `odoo.tools.exception_to_unicode`: the arguments' `str()`, one per line. */
function exceptionToUnicode(exception: PythonException): string {
  return exception.args.length > 0 ? exception.args.map(pythonStr).join('\n') : exceptionStr(exception);
}

/**
 * `traceback.format_exception_only` without its closing newline: builtins print bare, other
 * classes with their module; an exception with empty text prints just the class.
 */
function exceptionLine(exception: PythonException): string {
  const className = exception.name.startsWith('builtins.') ? exception.name.slice('builtins.'.length) : exception.name;
  // A psycopg2 error's text ends with its own newline (after libpq's caret line): the traceback's
  // last lines end there, and so does the line Ficus gives.
  const text = exceptionStr(exception).replace(/\n+$/, '');
  return text === '' ? className : `${className}: ${text}`;
}
