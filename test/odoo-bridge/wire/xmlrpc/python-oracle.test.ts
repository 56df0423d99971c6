import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseMethodCall, serializeFault, serializeMethodCall, serializeResponse, XmlRpcMarshalError,
} from '../../../../odoo-bridge/wire/xmlrpc/index.ts';
import { anyText, xmlSafeText, xmlRpcValue } from './arbitraries.ts';
import { fromTagged, isOracleError, pythonAvailable, runPython, type OracleJob } from './python-oracle.ts';

/**
 * CPython's xmlrpc.client (with Odoo's marshaller overrides) is the reference: fast-check makes the
 * values, one python3 process per batch produces the expected bytes or decoded values.
 */
describe.runIf(pythonAvailable())('byte-exact against CPython xmlrpc.client', () => {
  it('serializeResponse matches OdooMarshaller dumps for 2,000 random values', () => {
    const values = fc.sample(xmlRpcValue(anyText), { numRuns: 2_000, seed: 42 });
    const expected = runPython(values.map((value): OracleJob => ({ kind: 'response', value })));
    let compared = 0;
    values.forEach((value, i) => {
      expect(serializeResponse(value), JSON.stringify(expected[i])).toBe(expected[i]);
      compared += 1;
    });
    console.info(`python oracle: ${compared} responses byte-exact`);
  });

  it('serializeMethodCall matches dumps(params, methodname) for 1,000 random param lists', () => {
    const calls = fc.sample(fc.tuple(fc.constantFrom('execute_kw', 'login', 'version', 'a.b_c'), fc.array(xmlRpcValue(anyText), { maxLength: 6 })), {
      numRuns: 1_000,
      seed: 7,
    });
    const expected = runPython(calls.map(([method, params]): OracleJob => ({ kind: 'call', method, params })));
    calls.forEach(([method, params], i) => expect(serializeMethodCall(method, params)).toBe(expected[i]));
  });

  it('serializeFault matches dumps(Fault(...)) for int and string codes', () => {
    const faults = fc.sample(fc.tuple(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), anyText), anyText), { numRuns: 500, seed: 3 });
    const expected = runPython(faults.map(([code, string]): OracleJob => ({ kind: 'fault', code, string })));
    faults.forEach(([code, string], i) => expect(serializeFault(code, string)).toBe(expected[i]));
  });

  it('null anywhere is refused, as Python refuses None without allow_none', () => {
    const values: unknown[] = [null, [1, null], { a: undefined }, new Map([['x', [null]]])];
    const expected = runPython(values.map((value): OracleJob => ({ kind: 'response', value })));
    for (const [i, value] of values.entries()) {
      expect(expected[i]).toMatchObject({ $error: 'TypeError', message: 'cannot marshal None unless allow_none is enabled' });
      expect(() => serializeResponse(value)).toThrow(new XmlRpcMarshalError('builtins.TypeError', 'cannot marshal None unless allow_none is enabled'));
    }
  });

  it('parseMethodCall decodes what Python loads() decodes, for 1,000 random calls', () => {
    const calls = fc.sample(fc.array(xmlRpcValue(xmlSafeText), { maxLength: 5 }), { numRuns: 1_000, seed: 11 });
    const bodies = calls.map((params) => serializeMethodCall('execute_kw', params));
    const expected = runPython(bodies.map((xml): OracleJob => ({ kind: 'loads', xml })));
    bodies.forEach((xml, i) => {
      const python = expected[i] as { method: string; params: unknown };
      expect(parseMethodCall(xml)).toEqual({ methodName: python.method, params: fromTagged(python.params) });
    });
  });

  it('scalar literals: int(), float(), boolean and dateTime decode as Python decodes them', () => {
    const ws = fc.constantFrom('', ' ', '\n', '\t ');
    const digits = fc.stringMatching(/^[0-9]{1,15}$/);
    const intText = fc.oneof(
      fc.tuple(ws, fc.constantFrom('', '+', '-'), digits, ws).map((p) => p.join('')),
      fc.stringMatching(/^[-+]?[0-9_]{0,8}$/),
      fc.stringMatching(/^[-+ 0-9a-f._xe]{0,10}$/),
    );
    const floatText = fc.oneof(
      fc.tuple(ws, fc.constantFrom('', '+', '-'), digits, fc.constantFrom('', '.', '.5', '.0_1', 'e3', 'E-2', 'e+400', '_1'), ws).map((p) => p.join('')),
      fc.constantFrom('inf', '-Infinity', 'NaN', 'nan ', '.', 'e5', '1e', '1__0', '_1', '1_', '0x10', '1.5.', 'infinit', '+.5', '5.'),
      fc.stringMatching(/^[-+ 0-9._eEinfaINFA]{0,10}$/),
    );
    const dateText = fc.oneof(
      fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19).replace(/[-]/g, '')),
      fc.stringMatching(/^[0-9]{4,8}[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}$/),
      fc.constantFrom('20240230T10:00:00', '20230229T00:00:00', '20240229T00:00:00', '20241301T00:00:00', '2024-01-01T00:00:00', '20240101T24:00:00', '20240101T23:59:60', '20240101T1:2:3', '2024011T1:2:3', '20240101T10:00:00Z', '00000101T00:00:00'),
    );
    const cases: [string, string][] = [
      ...fc.sample(intText, { numRuns: 600, seed: 1 }).map((t): [string, string] => ['int', t]),
      ...fc.sample(floatText, { numRuns: 600, seed: 2 }).map((t): [string, string] => ['double', t]),
      ...fc.sample(dateText, { numRuns: 600, seed: 4 }).map((t): [string, string] => ['dateTime.iso8601', t]),
      ...['0', '1', ' 1', '1 ', 'true', '', '01'].map((t): [string, string] => ['boolean', t]),
    ];
    // Python's int is unbounded; the gateway stops at ±(2^53−1) on purpose (see python-number-literals.ts).
    const inScope = cases.filter(([tag, t]) => tag !== 'int' || !/\d{16,}/.test(t.replaceAll('_', '')));
    const bodies = inScope.map(([tag, t]) => `<methodCall><methodName>m</methodName><params><param><value><${tag}>${t}</${tag}></value></param></params></methodCall>`);
    const expected = runPython(bodies.map((xml): OracleJob => ({ kind: 'loads', xml })));
    let accepted = 0;
    let refused = 0;
    bodies.forEach((xml, i) => {
      const python = expected[i];
      if (isOracleError(python)) {
        expect(() => parseMethodCall(xml), xml).toThrow();
        refused += 1;
      } else {
        expect(parseMethodCall(xml).params, xml).toEqual(fromTagged((python as { params: unknown }).params));
        accepted += 1;
      }
    });
    console.info(`python oracle literals: ${accepted} accepted alike, ${refused} refused alike`);
  });
});
