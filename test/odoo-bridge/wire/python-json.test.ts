import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { PythonFloat, pythonFloat } from '../../../odoo-bridge/wire/xmlrpc/values.ts';
import { checkResponseSize } from '../../../odoo-bridge/wire/response-budget.ts';

describe('JSON as Odoo writes it', () => {
  it('keeps Python floats as floats, and everything else as JSON.stringify does', () => {
    expect(stringifyPythonJson({ a: pythonFloat(0), b: 1, c: [pythonFloat(1740), pythonFloat(0.1), pythonFloat(1e-5)], d: 'x' })).toBe(
      '{"a":0.0,"b":1,"c":[1740.0,0.1,1e-05],"d":"x"}',
    );
    expect(stringifyPythonJson({ n: null, s: 'a"b' })).toBe(JSON.stringify({ n: null, s: 'a"b' }));
  });

  it('cannot be fooled by strings that look like the marker', () => {
    const sneaky = '\u0000deadbeef:1.0';
    expect(JSON.parse(stringifyPythonJson({ s: sneaky, f: pythonFloat(2) }))).toEqual({ s: sneaky, f: 2 });
  });

  it("reads back in Python exactly as Python's json.dumps of the same floats", () => {
    // -0 is left out only because the JSON that carries the samples to Python cannot hold it.
    const floats = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)), 500);
    const ours = stringifyPythonJson(floats.map(pythonFloat));
    const python = execFileSync('python3', ['-c', 'import json,sys; print(json.dumps([float(x) for x in json.loads(sys.stdin.read())], separators=(",", ":")))'], {
      input: JSON.stringify(floats),
      encoding: 'utf8',
    }).trim();
    expect(ours).toBe(python);
  });
});

describe('JSON without Python floats', () => {
  // Maps make the writer take its replacer path; the text must not change.
  const asMaps = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(asMaps);
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return new Map(Object.entries(value).map(([key, item]) => [key, asMaps(item)]));
    }
    return value;
  };

  it('writes NaN and the infinities as Python json does (JSON.stringify writes null), wherever they are', () => {
    expect(stringifyPythonJson({ id: NaN, result: [Infinity, -Infinity, 1.5] })).toBe('{"id":NaN,"result":[Infinity,-Infinity,1.5]}');
    expect(stringifyPythonJson(new Map([['x', NaN]]))).toBe('{"x":NaN}');
  });

  it('is byte for byte what JSON.stringify writes, for any JSON-like value of finite numbers, plain or held in Maps', () => {
    const values = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.date({ noInvalidDate: true }),
        fc.array(tie('value')),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('value')),
      ),
    })).value;
    fc.assert(
      fc.property(values, (value) => {
        expect(stringifyPythonJson(value)).toBe(JSON.stringify(value));
        expect(stringifyPythonJson(asMaps(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the size walk tells the JSON writer when it may skip its own walk', () => {
  // Any JSON value, with Python floats, bigints and Maps sprinkled in at any depth.
  const answer: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue({ maxDepth: 1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(pythonFloat),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 }).map((o) => new Map(Object.entries(o))),
    ),
  })).value;

  const special = (value: unknown): boolean =>
    typeof value === 'bigint' ||
    value instanceof Map ||
    value instanceof PythonFloat ||
    (Array.isArray(value) ? value.some(special) : typeof value === 'object' && value !== null && Object.values(value).some(special));

  it('says plain exactly when nothing needs the replacer, and then skipping it writes the same text', () => {
    fc.assert(
      fc.property(answer, (value) => {
        const { plain } = checkResponseSize(value);
        expect(plain).toBe(!special(value));
        if (plain) expect(stringifyPythonJson(value, { plain: true })).toBe(stringifyPythonJson(value));
      }),
      { numRuns: 1000 },
    );
  });
});
