import { OdooError, type OdooExceptionName } from '../errors.ts';
import type { OdooCall } from '../call.ts';
import { PythonFloat, XmlRpcBinary } from '../wire/xmlrpc/values.ts';

/**
 * The wire between the gateway and a service process answering Odoo calls of its modules
 * (distributed mode, runtime/remote-odoo-calls.ts ↔ services/kit/runner/internal-odoo-endpoint.ts).
 * Call arguments and answers hold values plain JSON loses and the protocols tell apart: a float
 * that is whole (`PythonFloat`: XML-RPC `<double>`, JSON `1.0`), bigint, NaN/±Infinity/-0, Map,
 * Date, bytes, an XML-RPC `<base64>`. Each travels as a one-key object `{"$<tag>": …}`; a plain
 * object whose only key starts with `$` is wrapped (`$o`) so it cannot pass for a tag.
 */
export function encodeValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $num: numberText(value) };
  if (typeof value === 'bigint') return { $big: value.toString() };
  if (value === undefined) return { $undef: 1 };
  if (value instanceof PythonFloat) return { $float: Number.isFinite(value.value) && !Object.is(value.value, -0) ? value.value : numberText(value.value) };
  if (value instanceof XmlRpcBinary) return { $b64: value.base64 };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.getTime() };
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encodeValue(k), encodeValue(v)]) };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    const encoded = Object.fromEntries(entries.map(([k, v]) => [k, encodeValue(v)]));
    return entries.length === 1 && entries[0]![0].startsWith('$') ? { $o: encoded } : encoded;
  }
  throw new TypeError(`cannot send a ${typeof value} between processes`);
}

/** NaN, ±Infinity and -0, which JSON cannot write (JSON.stringify(-0) is "0"). */
const numberText = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));
const toNumber = (text: unknown): number => (text === 'NaN' ? NaN : text === 'Infinity' ? Infinity : text === '-Infinity' ? -Infinity : Number(text));

export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0]![0].startsWith('$')) {
    const [tag, inner] = entries[0]!;
    switch (tag) {
      case '$num': return toNumber(inner);
      case '$big': return BigInt(String(inner));
      case '$undef': return undefined;
      case '$float': return new PythonFloat(typeof inner === 'number' ? inner : toNumber(inner));
      case '$b64': return new XmlRpcBinary(String(inner));
      case '$bytes': return new Uint8Array(Buffer.from(String(inner), 'base64'));
      case '$date': return new Date(Number(inner));
      case '$map': return new Map((inner as [unknown, unknown][]).map(([k, v]) => [decodeValue(k), decodeValue(v)]));
      case '$o': return Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([k, v]) => [k, decodeValue(v)]));
      default: throw new TypeError(`unknown value tag ${tag}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, decodeValue(v)]));
}

/** The request body: the call as the gateway authenticated it (uid included), signed as a whole. */
export function encodeCall(call: OdooCall): string {
  return JSON.stringify({ call: { ...call, args: encodeValue(call.args), kwargs: encodeValue(call.kwargs) } });
}

export function decodeCall(body: unknown): OdooCall {
  const raw = (body as { call?: Record<string, unknown> } | null)?.call;
  if (!raw || typeof raw.database !== 'string' || typeof raw.model !== 'string' || typeof raw.method !== 'string' || !Number.isInteger(raw.uid)) {
    throw new TypeError('not an Odoo call');
  }
  const args = decodeValue(raw.args);
  const kwargs = decodeValue(raw.kwargs);
  return {
    database: raw.database,
    uid: raw.uid as number,
    model: raw.model,
    method: raw.method,
    args: Array.isArray(args) ? args : [],
    kwargs: kwargs && typeof kwargs === 'object' && !Array.isArray(kwargs) ? (kwargs as Record<string, unknown>) : {},
    ...(typeof raw.transport === 'string' ? { transport: raw.transport as OdooCall['transport'] } : {}),
  };
}

/** The answer: `{result}`, or `{error}` carrying an Odoo exception so each protocol answers it in its own shape. */
export type RemoteAnswer = { result: unknown } | { error: { name: OdooExceptionName; message: string; arguments: unknown[]; context: Record<string, unknown> } };

export function encodeAnswer(answer: { result: unknown } | { error: OdooError }): string {
  if ('error' in answer) {
    const e = answer.error;
    return JSON.stringify({ error: { name: e.exceptionName, message: e.message, arguments: encodeValue(e.arguments), context: encodeValue(e.context) } });
  }
  return JSON.stringify({ result: encodeValue(answer.result) });
}

/** The answer's value, or the service's Odoo exception thrown again here. */
export function decodeAnswer(text: string): unknown {
  const parsed = JSON.parse(text) as RemoteAnswer;
  if ('error' in parsed) {
    const e = parsed.error;
    throw new OdooError(e.name, e.message, { arguments: decodeValue(e.arguments) as unknown[], context: decodeValue(e.context) as Record<string, unknown> });
  }
  return decodeValue(parsed.result);
}
