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
  const out: string[] = [];
  dumpValue(value, out, { allowNone: false, seen: new Set() });
  return `<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n${out.join('')}</param>\n</params>\n\n</methodResponse>\n`;
}

export function serializeFault(faultCode: number | string, faultString: string): string {
  const out: string[] = [];
  dumpValue(new Map<string, unknown>([['faultCode', faultCode], ['faultString', faultString]]), out, {
    allowNone: false,
    seen: new Set(),
  });
  return `<?xml version="1.0"?>\n<methodResponse>\n<fault>\n${out.join('')}</fault>\n\n</methodResponse>\n`;
}

/**
 * A request body as Python's `xmlrpc.client.dumps(params, methodname)` writes it (what Odoo's own
 * clients send). `allowNone` (default true, so that a proxied `<nil/>` survives) writes null as
 * `<nil/>`. Unlike Python, the method name is XML-escaped, so the body is always well-formed.
 */
export function serializeMethodCall(methodName: string, params: readonly unknown[], options: { allowNone?: boolean } = {}): string {
  const out: string[] = [];
  const state: MarshalState = { allowNone: options.allowNone ?? true, seen: new Set() };
  for (const param of params) {
    out.push('<param>\n');
    dumpValue(param, out, state);
    out.push('</param>\n');
  }
  return `<?xml version='1.0'?>\n<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n${out.join('')}</params>\n</methodCall>\n`;
}

interface MarshalState {
  allowNone: boolean;
  /** Containers being written, to refuse cycles as Python's memo does. */
  seen: Set<object>;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function dumpString(text: string, out: string[]): void {
  out.push('<value><string>', escapeXml(text.replace(CONTROL_CHARACTERS, '')), '</string></value>\n');
}

function dumpDouble(value: number, out: string[]): void {
  out.push('<value><double>', formatPythonFloat(value), '</double></value>\n');
}

function dumpValue(value: unknown, out: string[], state: MarshalState): void {
  switch (typeof value) {
    case 'undefined':
      return dumpNone(out, state);
    case 'boolean':
      out.push('<value><boolean>', value ? '1' : '0', '</boolean></value>\n');
      return;
    case 'string':
      return dumpString(value, out);
    case 'number':
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
        out.push('<value><int>', String(value), '</int></value>\n');
      } else {
        dumpDouble(value, out);
      }
      return;
    case 'bigint':
      if (value < BigInt(INT32_MIN) || value > BigInt(INT32_MAX)) {
        throw new XmlRpcMarshalError('builtins.OverflowError', 'int exceeds XML-RPC limits');
      }
      out.push('<value><int>', value.toString(), '</int></value>\n');
      return;
    case 'object':
      if (value === null) return dumpNone(out, state);
      return dumpObject(value, out, state);
    default:
      throw new XmlRpcMarshalError('builtins.TypeError', `cannot marshal <class '${typeof value}'> objects`);
  }
}

function dumpNone(out: string[], state: MarshalState): void {
  if (!state.allowNone) throw cannotMarshalNone();
  out.push('<value><nil/></value>'); // sic: Python writes no newline after nil
}

function dumpObject(value: object, out: string[], state: MarshalState): void {
  if (value instanceof PythonFloat) return dumpDouble(value.value, out);
  if (value instanceof XmlRpcBinary) return dumpBinary(value, out);
  if (value instanceof Uint8Array) return dumpString(decodeUtf8(value), out);
  if (value instanceof Date) return dumpString(formatDatetime(value), out);
  if (Array.isArray(value)) {
    return withCycleCheck(value, state, 'cannot marshal recursive sequences', () => {
      out.push('<value><array><data>\n');
      for (const item of value) dumpValue(item, out, state);
      out.push('</data></array></value>\n');
    });
  }
  if (value instanceof Map || isPlainObject(value)) {
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Object.entries(value);
    return withCycleCheck(value, state, 'cannot marshal recursive dictionaries', () => {
      out.push('<value><struct>\n');
      for (const [key, item] of entries) {
        out.push('<member>\n');
        if (typeof key !== 'string') throw new XmlRpcMarshalError('builtins.TypeError', 'dictionary key must be string');
        out.push('<name>', escapeXml(key), '</name>\n');
        dumpValue(item, out, state);
        out.push('</member>\n');
      }
      out.push('</struct></value>\n');
    });
  }
  const className = value.constructor?.name ?? 'object';
  throw new XmlRpcMarshalError('builtins.TypeError', `cannot marshal <class '${className}'> objects`);
}

function withCycleCheck(container: object, state: MarshalState, message: string, dump: () => void): void {
  if (state.seen.has(container)) throw new XmlRpcMarshalError('builtins.TypeError', message);
  state.seen.add(container);
  dump();
  state.seen.delete(container);
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Python's `Binary.encode`: `base64.encodebytes`, i.e. lines of 76 characters, each ending in LF. */
function dumpBinary(binary: XmlRpcBinary, out: string[]): void {
  const encoded = binary.toBuffer().toString('base64');
  out.push('<value><base64>\n');
  for (let start = 0; start < encoded.length; start += 76) out.push(encoded.slice(start, start + 76), '\n');
  out.push('</base64></value>\n');
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
