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
 * The fault Odoo 18 would answer for `error`. Odoo's UserError family keeps its message; anything
 * else is fault 1 (or, on legacy paths, the exception text as faultCode) with a Python-style
 * traceback. That traceback is synthesised from Odoo's own entry frames and the Python exception
 * line: it never holds the gateway's stack, and errors that are not `OdooError`s (gateway bugs,
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
    return { faultCode: 1, faultString: traceback(exception, 'xmlrpc_2') };
  }

  if (name === 'odoo.exceptions.RedirectWarning') return { faultCode: `warning -- Warning\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.MissingError') return { faultCode: `warning -- MissingError\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.AccessError') return { faultCode: `warning -- AccessError\n\n${message}`, faultString: '' };
  if (name === 'odoo.exceptions.AccessDenied') return { faultCode: 'AccessDenied', faultString: message };
  if (isUserErrorFamily(name)) return { faultCode: `warning -- UserError\n\n${message}`, faultString: '' };
  return { faultCode: exceptionToUnicode(exception), faultString: traceback(exception, 'xmlrpc_1') };
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
  /** Where Odoo's `_xmlrpc` was when it raised: decoding, dispatching, or encoding the result. */
  stage: 'loads' | 'dispatch' | 'dumps';
}

const INTERNAL_ERROR_TEXT = 'Internal server error';

function asPythonException(error: unknown): PythonException {
  if (error instanceof OdooError) return { name: error.exceptionName, args: error.arguments, stage: 'dispatch' };
  if (error instanceof XmlRpcParseError) return { name: error.pythonException, args: [error.message], stage: 'loads' };
  if (error instanceof XmlRpcMarshalError) return { name: error.pythonException, args: [error.message], stage: 'dumps' };
  return { name: 'builtins.Exception', args: [INTERNAL_ERROR_TEXT], stage: 'dispatch' };
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

/** `traceback.format_exception_only`: builtins print bare, other classes with their module. */
function exceptionLine(exception: PythonException): string {
  const className = exception.name.startsWith('builtins.') ? exception.name.slice('builtins.'.length) : exception.name;
  const text = exceptionStr(exception);
  return text === '' ? className : `${className}: ${text}`;
}

// Odoo 18.0's own frames (rpc.py at the recorded commit), as its tracebacks show them.
const RPC_PY = '/opt/odoo/src/odoo/addons/base/controllers/rpc.py';
const ENTRY_FRAMES = {
  xmlrpc_2: `  File "${RPC_PY}", line 161, in xmlrpc_2\n    response = self._xmlrpc(service)\n               ^^^^^^^^^^^^^^^^^^^^^\n`,
  xmlrpc_1: `  File "${RPC_PY}", line 151, in xmlrpc_1\n    response = self._xmlrpc(service)\n               ^^^^^^^^^^^^^^^^^^^^^\n`,
};
const STAGE_FRAMES = {
  loads:
    `  File "${RPC_PY}", line 138, in _xmlrpc\n    params, method = xmlrpc.client.loads(data, use_datetime=True)\n` +
    `                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n`,
  dispatch:
    `  File "${RPC_PY}", line 139, in _xmlrpc\n    result = dispatch_rpc(service, method, params)\n` +
    `             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n` +
    `  File "/opt/odoo/src/odoo/http.py", line 398, in dispatch_rpc\n    return dispatch(method, params)\n` +
    `           ^^^^^^^^^^^^^^^^^^^^^^^^\n`,
  dumps: `  File "${RPC_PY}", line 140, in _xmlrpc\n    return dumps((result,))\n           ^^^^^^^^^^^^^^^^\n`,
};

function traceback(exception: PythonException, entry: keyof typeof ENTRY_FRAMES): string {
  return `Traceback (most recent call last):\n${ENTRY_FRAMES[entry]}${STAGE_FRAMES[exception.stage]}${exceptionLine(exception)}\n`;
}
