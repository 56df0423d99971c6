import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  parseMethodCall, serializeFault, serializeResponse, XmlRpcBinary, XmlRpcParseError,
} from '../../../../odoo-bridge/wire/xmlrpc/index.ts';
import { parseJsonWithFloats } from './json-with-floats.ts';

/** The XML-RPC cases recorded from Odoo 18 (format: shared/odoo-golden/README.md). */
const GOLDEN = fileURLToPath(new URL('../../../../fixtures/odoo-golden.jsonl', import.meta.url));

interface XmlRpcCase {
  id: string;
  volatile: string[];
  request: { method?: string; params?: unknown[]; raw_xml?: string; raw_body?: string };
  response: { result?: unknown; fault?: { faultCode: number | string; faultString: string }; raw_xml?: string; text?: string };
}

const lines = readFileSync(GOLDEN, 'utf8').split('\n').filter((line) => line.trim() !== '');
const cases = lines.map((line) => JSON.parse(line) as XmlRpcCase & { transport: string }).filter((c) => c.transport === 'xmlrpc');
// The same records read again keeping Python's int/float distinction and key order, for serialising.
const typedResults = new Map(
  lines
    .map((line) => parseJsonWithFloats(line) as Map<string, unknown>)
    .filter((record) => record.get('transport') === 'xmlrpc')
    .map((record) => [record.get('id') as string, (record.get('response') as Map<string, unknown>).get('result')]),
);

/** The golden file's JSON stand-ins for `<base64>` and `<dateTime.iso8601>` → what the parser yields. */
function fromGoldenJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromGoldenJson);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.__base64__ === 'string') return new XmlRpcBinary(record.__base64__.replace(/\s/g, ''));
    if (typeof record.__datetime__ === 'string') {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}:\d{2}:\d{2})$/.exec(record.__datetime__);
      return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}` : record.__datetime__;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromGoldenJson(v)]));
  }
  return value;
}

describe('golden XML-RPC cases recorded from Odoo 18', () => {
  const requests = cases.filter((c) => c.request.raw_xml !== undefined);
  const rawBodies = cases.filter((c) => c.request.raw_body !== undefined);
  const exactResponses = cases.filter((c) => c.response.raw_xml !== undefined && !c.volatile.includes('/response/raw_xml'));

  it('has XML-RPC cases to check', () => {
    console.info(
      `golden xmlrpc: ${cases.length} cases, ${requests.length} request bodies, ${rawBodies.length} raw bodies, ` +
        `${exactResponses.length} byte-exact responses (${cases.length - rawBodies.length - exactResponses.length} volatile skipped)`,
    );
    expect(requests.length).toBeGreaterThan(10);
    expect(exactResponses.length).toBeGreaterThan(10);
  });

  it.each(requests.map((c) => [c.id, c] as const))('%s: request body parses to method and params', (_id, c) => {
    const parsed = parseMethodCall(Buffer.from(c.request.raw_xml!, 'utf8'));
    expect(parsed.methodName).toBe(c.request.method);
    expect(parsed.params).toEqual(fromGoldenJson(c.request.params));
  });

  it.each(exactResponses.map((c) => [c.id, c] as const))('%s: response serialises byte-exact', (id, c) => {
    const body = c.response.fault
      ? serializeFault(c.response.fault.faultCode, c.response.fault.faultString)
      : serializeResponse(typedResults.get(id));
    expect(body).toBe(c.response.raw_xml);
  });

  it('malformed body (transport.038) is a parse error; nil in a struct (transport.040) parses to null', () => {
    const malformed = rawBodies.find((c) => c.id === 'transport.038');
    const withNil = rawBodies.find((c) => c.id === 'transport.040');
    expect(malformed && withNil).toBeTruthy();
    expect(() => parseMethodCall(malformed!.request.raw_body!)).toThrow(XmlRpcParseError);
    const parsed = parseMethodCall(withNil!.request.raw_body!);
    expect(parsed.methodName).toBe('execute_kw');
    expect(parsed.params[6]).toEqual({ context: null });
    expect(serializeResponse(37)).toBe(withNil!.response.text);
  });
});
