import { cannotMarshalNone, XmlRpcMarshalError } from './errors.ts';
import { formatPythonFloat } from './python-float-repr.ts';
import { PythonFloat, XmlRpcBinary } from './values.ts';

/**
 * Byte-exact XML-RPC output of Odoo 18: Python's `xmlrpc.client.Marshaller` with Odoo's
 * `OdooMarshaller` overrides, wrapped by `odoo/addons/base/controllers/rpc.py dumps()` (hence the
 * blank line before `</methodResponse>`).
 *
 * JS → wire:
 * - boolean → `<boolean>`; string → `<string>` (`& < >` escaped, control characters 0–31 other
 *   than TAB/LF/CR removed, as Odoo does; struct *names* are escaped but not stripped, as Odoo does).
 * - number: an integer within int32 → `<int>`; any other number → `<double>` in Python `repr`
 *   form. An integer beyond int32 thus goes out as a float, which is what Odoo's `read()` does
 *   for such Integer fields (a Python int would fault instead).
 * - `PythonFloat` → `<double>` always (a float field's 12.0 is `<double>12.0</double>`).
 * - bigint → `<int>`, or an OverflowError fault beyond int32, exactly like a Python int.
 * - Buffer/Uint8Array → its UTF-8 text as `<string>` (Odoo sends binary fields as base64 text);
 *   `XmlRpcBinary` → `<base64>`; Date → `<string>` "YYYY-MM-DD HH:MM:SS" in UTC.
 * - array → `<array>`; plain object or Map (string keys) → `<struct>` in iteration order. Note JS
 *   objects list integer-like keys first; use a Map where Python's order must be kept exactly.
 * - null/undefined → `XmlRpcMarshalError` ("cannot marshal None unless allow_none is enabled"),
 *   which the transport answers as fault 1; any other type is an `XmlRpcMarshalError` too.
 */

export function serializeResponse(value: unknown): string {
  const body = dumpValue(value, { allowNone: false, seen: new Set() });
  return `<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n${body}</param>\n</params>\n\n</methodResponse>\n`;
}

export function serializeFault(faultCode: number | string, faultString: string): string {
  const body = dumpValue(new Map<string, unknown>([['faultCode', faultCode], ['faultString', faultString]]), { allowNone: false, seen: new Set() });
  return `<?xml version="1.0"?>\n<methodResponse>\n<fault>\n${body}</fault>\n\n</methodResponse>\n`;
}

/**
 * A request body as Python's `xmlrpc.client.dumps(params, methodname)` writes it (what Odoo's own
 * clients send). `allowNone` (default true, so that a proxied `<nil/>` survives) writes null as
 * `<nil/>`. Unlike Python, the method name is XML-escaped, so the body is always well-formed.
 */
export function serializeMethodCall(methodName: string, params: readonly unknown[], options: { allowNone?: boolean } = {}): string {
  const state: MarshalState = { allowNone: options.allowNone ?? true, seen: new Set() };
  let body = '';
  for (const param of params) body += `<param>\n${dumpValue(param, state)}</param>\n`;
  return `<?xml version='1.0'?>\n<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n${body}</params>\n</methodCall>\n`;
}

interface MarshalState {
  allowNone: boolean;
  /** Containers being written, to refuse cycles as Python's memo does. */
  seen: Set<object>;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const CONTROL_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;
const XML_SPECIAL = /[&<>]/;

// The tests before each replace are there because most strings need neither: an 80-row
// answer has hundreds of strings, and three replaceAll per string were a sixth of its cost.
function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function dumpString(text: string): string {
  const clean = CONTROL_CHARACTER.test(text) ? text.replace(CONTROL_CHARACTERS, '') : text;
  return `<value><string>${escapeXml(clean)}</string></value>\n`;
}

function dumpDouble(value: number): string {
  return `<value><double>${formatPythonFloat(value)}</double></value>\n`;
}

function dumpValue(value: unknown, state: MarshalState): string {
  switch (typeof value) {
    case 'undefined':
      return dumpNone(state);
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
    case 'string':
      return dumpString(value);
    case 'number':
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return `<value><int>${value}</int></value>\n`;
      return dumpDouble(value);
    case 'bigint':
      if (value < BigInt(INT32_MIN) || value > BigInt(INT32_MAX)) {
        throw new XmlRpcMarshalError('builtins.OverflowError', 'int exceeds XML-RPC limits');
      }
      return `<value><int>${value.toString()}</int></value>\n`;
    case 'object':
      if (value === null) return dumpNone(state);
      return dumpObject(value, state);
    default:
      throw new XmlRpcMarshalError('builtins.TypeError', `cannot marshal <class '${typeof value}'> objects`);
  }
}

function dumpNone(state: MarshalState): string {
  if (!state.allowNone) throw cannotMarshalNone();
  return '<value><nil/></value>'; // sic: Python writes no newline after nil
}

function dumpObject(value: object, state: MarshalState): string {
  if (value instanceof PythonFloat) return dumpDouble(value.value);
  if (value instanceof XmlRpcBinary) return dumpBinary(value);
  if (value instanceof Uint8Array) return dumpString(decodeUtf8(value));
  if (value instanceof Date) return dumpString(formatDatetime(value));
  if (Array.isArray(value)) {
    enter(value, state, 'cannot marshal recursive sequences');
    let text = '<value><array><data>\n';
    for (const item of value) text += dumpValue(item, state);
    state.seen.delete(value);
    return `${text}</data></array></value>\n`;
  }
  if (value instanceof Map || isPlainObject(value)) {
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Object.entries(value);
    enter(value, state, 'cannot marshal recursive dictionaries');
    let text = '<value><struct>\n';
    for (const [key, item] of entries) {
      if (typeof key !== 'string') throw new XmlRpcMarshalError('builtins.TypeError', 'dictionary key must be string');
      text += `<member>\n<name>${escapeXml(key)}</name>\n${dumpValue(item, state)}</member>\n`;
    }
    state.seen.delete(value);
    return `${text}</struct></value>\n`;
  }
  const className = value.constructor?.name ?? 'object';
  throw new XmlRpcMarshalError('builtins.TypeError', `cannot marshal <class '${className}'> objects`);
}

/** A marshal error thrown inside leaves `seen` dirty, which is fine: the state dies with the call. */
function enter(container: object, state: MarshalState, message: string): void {
  if (state.seen.has(container)) throw new XmlRpcMarshalError('builtins.TypeError', message);
  state.seen.add(container);
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Python's `Binary.encode`: `base64.encodebytes`, i.e. lines of 76 characters, each ending in LF. */
function dumpBinary(binary: XmlRpcBinary): string {
  const encoded = binary.toBuffer().toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76) lines.push(encoded.slice(start, start + 76), '\n');
  return `<value><base64>\n${lines.join('')}</base64></value>\n`;
}

/** Odoo's `dump_bytes` is `value.decode()`: strict UTF-8. */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new XmlRpcMarshalError('builtins.UnicodeDecodeError', "'utf-8' codec can't decode bytes: invalid utf-8");
  }
}

/** Odoo's `Datetime.to_string`: "%Y-%m-%d %H:%M:%S" (UTC, which is how the ORM stores datetimes). */
function formatDatetime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new XmlRpcMarshalError('builtins.TypeError', 'cannot marshal an invalid Date');
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
