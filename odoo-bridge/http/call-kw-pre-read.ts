import { keyError, OdooError, typeError } from '../errors.ts';
import type { PythonJsonResult } from '../wire/json/python-json-parse.ts';
import { notFoundError } from './odoo-json-errors.ts';

/**
 * What `/web/dataset/call_kw` and `/web/dataset/call_button` raise before Odoo dispatches them.
 * Their route's `readonly` is a function (`DataSet._call_kw_readonly`, addons/web/controllers/
 * dataset.py) that Odoo calls while choosing the cursor, before it authenticates the session and
 * before the JSON-RPC dispatcher reads the request id:
 *
 *     params = request.get_json_data()['params']
 *     model_class = request.registry[params['model']]     # KeyError -> NotFound
 *     method_name = params['method']
 *     getattr(cls, method_name, None)                      # for cls in model_class.mro()
 *
 * So a body that is not JSON, lacks `params`, names no model or an unknown one, or lacks a method
 * name answers the Python exception of that line (with id null), with or without a session. A
 * body that passes returns undefined and is dispatched as usual.
 */
export async function callKwPreRead(body: PythonJsonResult, modelExists: (model: string) => Promise<boolean>): Promise<OdooError | undefined> {
  if (!body.ok) {
    const name = body.error.name === 'RecursionError' ? 'builtins.RecursionError' : 'json.decoder.JSONDecodeError';
    return new OdooError(name, body.error.message);
  }
  try {
    const params = subscript(body.value, 'params');
    const model = subscript(params, 'model', () => notFoundError());
    if (Array.isArray(model) || isDict(model)) throw typeError(`unhashable type: '${pythonTypeName(model)}'`);
    if (typeof model !== 'string' || !(await modelExists(model))) throw notFoundError();
    const method = subscript(params, 'method');
    if (typeof method !== 'string') throw typeError(`attribute name must be string, not '${pythonTypeName(method)}'`);
    return undefined;
  } catch (raised) {
    if (raised instanceof OdooError) return raised;
    throw raised;
  }
}

/** Python's `container[key]` for a str key, with Python 3.11's errors; `missing` replaces the KeyError. */
function subscript(container: unknown, key: string, missing: () => OdooError = () => keyError(key)): unknown {
  if (isDict(container)) {
    if (!Object.hasOwn(container, key)) throw missing();
    return container[key];
  }
  if (Array.isArray(container)) throw typeError('list indices must be integers or slices, not str');
  if (typeof container === 'string') throw typeError("string indices must be integers, not 'str'");
  throw typeError(`'${pythonTypeName(container)}' object is not subscriptable`);
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `type(value).__name__` of a decoded JSON value. A JSON number written with a fraction or an
 * exponent is a float in Python; once decoded, one that holds an integral value (1.0) cannot be
 * told from an int, and is named int.
 */
function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}
