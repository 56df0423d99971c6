import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseMethodCall, pythonFloat, serializeMethodCall, serializeResponse, XmlRpcBinary, XmlRpcMarshalError,
} from '../../../../odoo-bridge/wire/xmlrpc/index.ts';
import { xmlRpcValue, xmlSafeText } from './arbitraries.ts';

const body = (valueXml: string) =>
  `<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n${valueXml}</param>\n</params>\n\n</methodResponse>\n`;

describe('serializeResponse', () => {
  it.each([
    [7, '<value><int>7</int></value>\n'],
    [-(2 ** 31), '<value><int>-2147483648</int></value>\n'],
    [2 ** 31, '<value><double>2147483648.0</double></value>\n'],
    [1.5, '<value><double>1.5</double></value>\n'],
    [pythonFloat(12), '<value><double>12.0</double></value>\n'],
    [pythonFloat(-0), '<value><double>-0.0</double></value>\n'],
    [NaN, '<value><double>nan</double></value>\n'],
    [5n, '<value><int>5</int></value>\n'],
    [true, '<value><boolean>1</boolean></value>\n'],
    [false, '<value><boolean>0</boolean></value>\n'],
    ['a & b < c > d "\' \t\n\r\x00\x1f\x7f', '<value><string>a &amp; b &lt; c &gt; d "\' \t\n\r\x7f</string></value>\n'],
    [Buffer.from('aGVsbG8='), '<value><string>aGVsbG8=</string></value>\n'],
    [new Date(Date.UTC(2024, 10, 25, 13, 5, 9)), '<value><string>2024-11-25 13:05:09</string></value>\n'],
    [new XmlRpcBinary('aGk='), '<value><base64>\naGk=\n</base64></value>\n'],
    [[], '<value><array><data>\n</data></array></value>\n'],
    [{}, '<value><struct>\n</struct></value>\n'],
    [new Map([['b', 1], ['a', 2]]), '<value><struct>\n<member>\n<name>b</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>a</name>\n<value><int>2</int></value>\n</member>\n</struct></value>\n'],
    [{ 'a<&>\x01': 'x' }, '<value><struct>\n<member>\n<name>a&lt;&amp;&gt;\x01</name>\n<value><string>x</string></value>\n</member>\n</struct></value>\n'],
  ])('%o', (value, valueXml) => {
    expect(serializeResponse(value)).toBe(body(valueXml));
  });

  it.each([
    ['null', null, 'cannot marshal None unless allow_none is enabled'],
    ['undefined in a struct', { a: undefined }, 'cannot marshal None unless allow_none is enabled'],
    ['bigint beyond int32', 2n ** 31n, 'int exceeds XML-RPC limits'],
    ['a Map with a non-string key', new Map([[1, 'x']]), 'dictionary key must be string'],
    ['a Set', new Set([1]), "cannot marshal <class 'Set'> objects"],
    ['a function', () => 1, "cannot marshal <class 'function'> objects"],
    ['invalid UTF-8 bytes', Buffer.from([0xff]), "'utf-8' codec can't decode bytes: invalid utf-8"],
  ])('refuses %s with XmlRpcMarshalError', (_label, value, message) => {
    expect(() => serializeResponse(value)).toThrow(XmlRpcMarshalError);
    expect(() => serializeResponse(value)).toThrow(message);
  });

  it('refuses cycles like Python does', () => {
    const list: unknown[] = [];
    list.push(list);
    expect(() => serializeResponse(list)).toThrow('cannot marshal recursive sequences');
    const dict: Record<string, unknown> = {};
    dict.self = dict;
    expect(() => serializeResponse(dict)).toThrow('cannot marshal recursive dictionaries');
    const shared = [1];
    expect(() => serializeResponse([shared, shared])).not.toThrow();
  });

  it('writes base64 in 76-character lines, as base64.encodebytes does', () => {
    const binary = XmlRpcBinary.fromBytes(new Uint8Array(100).fill(65));
    const lines = serializeMethodCall('m', [binary]).split('\n');
    expect(lines.filter((line) => /^[A-Za-z0-9+/=]+$/.test(line)).map((line) => line.length)).toEqual([76, 60]);
  });
});

/** What a serialise → parse round trip yields: Python loses int/float and container kinds. */
function normalise(value: unknown): unknown {
  if (Object.is(value, -0)) return 0; // an integral JS number is sent as a Python int, and ints have no -0
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, normalise(v)]));
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'number') return value.value;
  if (value instanceof XmlRpcBinary) return value;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

describe('round trip', () => {
  it('serializeMethodCall → parseMethodCall gives the values back', () => {
    fc.assert(
      fc.property(fc.array(xmlRpcValue(xmlSafeText.map((s) => s.replace(/\r/g, ''))), { maxLength: 5 }), (params) => {
        const parsed = parseMethodCall(serializeMethodCall('execute_kw', params));
        expect(parsed.methodName).toBe('execute_kw');
        expect(parsed.params).toEqual(normalise(params));
      }),
      { numRuns: 1_000, seed: 21 },
    );
  });

  it('null survives a method call (allowNone) but not a response', () => {
    expect(parseMethodCall(serializeMethodCall('m', [null, [null]])).params).toEqual([null, [null]]);
    expect(() => serializeMethodCall('m', [null], { allowNone: false })).toThrow(XmlRpcMarshalError);
  });
});
