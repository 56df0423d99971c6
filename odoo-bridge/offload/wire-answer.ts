import { OdooError } from '../errors.ts';
import { odooJsonError } from '../http/odoo-json-errors.ts';
import { stringifyPythonJson } from '../wire/json/python-json.ts';
import { faultFor, parseMethodCall, serializeResponse, XmlRpcMarshalError, type FaultDialect } from '../wire/xmlrpc/index.ts';

/** The transports whose model calls can be offloaded: the external RPC API, which carries its own credentials. */
export type OffloadTransport = 'jsonrpc' | 'xmlrpc' | 'xmlrpc-legacy';

/**
 * An answer as the client of a transport receives it, decoded into plain values, so that an
 * answer Odoo wrote and one Ficus would write compare as the client would see them (a Python
 * float and an int, a date and its string, a None the XML-RPC marshaller refuses). An error is
 * the object `{ "(error)": { code, name?, message } }`: clients tell errors apart by class and
 * text, never by traceback.
 */
export type ComparableAnswer = unknown;

export const ERROR_KEY = '(error)';

export function offloadTransportOf(path: string): OffloadTransport | undefined {
  if (path === '/jsonrpc') return 'jsonrpc';
  if (path.startsWith('/xmlrpc/2/')) return 'xmlrpc';
  if (path.startsWith('/xmlrpc/')) return 'xmlrpc-legacy';
  return undefined;
}

/** Odoo's answer bytes (HTTP 200), decoded; undefined when they are not an answer of this transport (a proxy's error page). */
export function decodeUpstreamAnswer(transport: OffloadTransport, body: Buffer): ComparableAnswer | undefined {
  try {
    if (transport === 'jsonrpc') {
      const envelope = JSON.parse(body.toString('utf8')) as { result?: unknown; error?: { code?: unknown; data?: { name?: unknown; message?: unknown } } };
      if (typeof envelope !== 'object' || envelope === null) return undefined;
      if (envelope.error) return { [ERROR_KEY]: { code: envelope.error.code, name: envelope.error.data?.name, message: envelope.error.data?.message } };
      // Odoo leaves `result` out when the method returned None.
      return 'result' in envelope ? envelope.result : null;
    }
    const decoded = decodeMethodResponse(body.toString('utf8'));
    if (!decoded) return undefined;
    if (decoded.ok) return decoded.value;
    const fault = decoded.fault as { faultCode?: unknown; faultString?: unknown };
    return faultAnswer(fault.faultCode, fault.faultString);
  } catch {
    return undefined;
  }
}

/** What Ficus's own answer (or error) looks like to the same client, decoded the same way. */
export function localAnswer(transport: OffloadTransport, settled: { ok: true; value: unknown } | { ok: false; error: unknown }): ComparableAnswer {
  const dialect: FaultDialect = transport === 'xmlrpc-legacy' ? 'legacy' : 'int';
  if (transport === 'jsonrpc') {
    if (!settled.ok) {
      const { code, data } = odooJsonError(asComparableError(settled.error));
      return { [ERROR_KEY]: { code, name: data.name, message: data.message } };
    }
    return JSON.parse(stringifyPythonJson(settled.value ?? null)) as unknown;
  }
  let text: string;
  try {
    if (!settled.ok) throw settled.error;
    text = serializeResponse(settled.value);
  } catch (error) {
    const fault = faultFor(error instanceof XmlRpcMarshalError ? error : asComparableError(error), dialect);
    return faultAnswer(fault.faultCode, fault.faultString);
  }
  const decoded = decodeMethodResponse(text);
  return decoded?.ok ? decoded.value : undefined;
}

/** An answer that says the credentials were refused: authentication is Odoo's to decide, not a class of read. */
export function isAuthenticationFailure(answer: ComparableAnswer): boolean {
  const error = (answer as Record<string, { code?: unknown; name?: unknown }> | null)?.[ERROR_KEY];
  if (!error) return false;
  return error.name === 'odoo.exceptions.AccessDenied' || error.code === 3 || error.code === 'AccessDenied';
}

/**
 * Errors that are not Odoo's (a bug, a lost connection) carry a random reference when the
 * transport answers them; compared, they are one fixed error, which differs from any answer Odoo gives.
 */
function asComparableError(error: unknown): OdooError {
  return error instanceof OdooError ? error : new OdooError('builtins.Exception', 'Ficus could not complete the call.');
}

/**
 * A fault with its text as a client reads it: Odoo puts a formatted Python traceback where
 * Ficus puts the exception line only (a documented difference, MIGRATION.md), so a traceback
 * is reduced to its last line, the exception line.
 */
function faultAnswer(code: unknown, faultString: unknown): ComparableAnswer {
  const text = typeof faultString === 'string' ? faultString : String(faultString ?? '');
  const message = text.startsWith('Traceback (most recent call last):') ? (text.trimEnd().split('\n').at(-1) ?? '') : text;
  return { [ERROR_KEY]: { code, message } };
}

/**
 * A `<methodResponse>`: its one `<param>` or its `<fault>`, decoded by the gateway's own
 * XML-RPC parser (the same values a client's `xmlrpc.client.loads` gets). The response's
 * inner part is re-wrapped as a `<methodCall>`'s params: markup inside values is escaped, so
 * the first `<params>`/`<fault>` after the root and the last closing tag bound it.
 */
function decodeMethodResponse(text: string): { ok: true; value: unknown } | { ok: false; fault: unknown } | undefined {
  const params = /<methodResponse>\s*<params>([\s\S]*)<\/params>\s*<\/methodResponse>\s*$/.exec(text);
  if (params) return { ok: true, value: parseMethodCall(`<methodCall><methodName>r</methodName><params>${params[1]}</params></methodCall>`).params[0] };
  const fault = /<methodResponse>\s*<fault>([\s\S]*)<\/fault>\s*<\/methodResponse>\s*$/.exec(text);
  if (fault) return { ok: false, fault: parseMethodCall(`<methodCall><methodName>f</methodName><params><param>${fault[1]}</param></params></methodCall>`).params[0] };
  return undefined;
}
