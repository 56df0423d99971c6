import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPythonFloat } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';
import { pythonAvailable, runPython } from './python-oracle.ts';

// repr() values taken from CPython 3.11.
const KNOWN: [number, string][] = [
  [1, '1.0'], [0, '0.0'], [-0, '-0.0'], [12, '12.0'], [-2.5, '-2.5'], [0.1, '0.1'],
  [1e-5, '1e-05'], [1e-4, '0.0001'], [0.00012345, '0.00012345'], [1.5e-7, '1.5e-07'],
  [1e15, '1000000000000000.0'], [1e16, '1e+16'], [1.2345e16, '1.2345e+16'], [123456789012345680, '1.2345678901234568e+17'],
  [9007199254740993, '9007199254740992.0'], [3000000000, '3000000000.0'],
  [1e22, '1e+22'], [1e100, '1e+100'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  [0.1 + 0.2, '0.30000000000000004'], [1 / 3, '0.3333333333333333'], [0.08333333333333333, '0.08333333333333333'],
  [1609.34, '1609.34'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
];

describe('formatPythonFloat', () => {
  it.each(KNOWN)('repr(%s) == %s', (value, expected) => {
    expect(formatPythonFloat(value)).toBe(expected);
  });

  it.runIf(pythonAvailable())('agrees with CPython repr() on 20,000 random doubles', () => {
    const doubles = [
      ...fc.sample(fc.double(), 12_000),
      ...fc.sample(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map((n) => n * 1.0), 4_000),
      ...fc.sample(fc.double({ min: -1e-3, max: 1e-3 }), 2_000),
      ...fc.sample(fc.double({ min: 1e14, max: 1e18 }), 2_000),
    ];
    const texts = doubles.map((n) => (Object.is(n, -0) ? '-0.0' : String(n)));
    const expected = runPython(texts.map((text) => ({ kind: 'repr' as const, text })));
    const mismatches = doubles.filter((n, i) => formatPythonFloat(n) !== expected[i]);
    expect(mismatches).toEqual([]);
  });
});
