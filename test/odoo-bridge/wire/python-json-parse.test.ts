import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../../odoo-bridge/wire/json/python-json-parse.ts';
import { formatPythonFloat } from '../../../odoo-bridge/wire/xmlrpc/python-float-repr.ts';

/**
 * parsePythonJson against CPython's own json.loads (the python3 on this machine; the oracle Odoo 18
 * runs on Python 3.11, whose scanner this module follows): for every input, the same value or the
 * same error text. Values are compared through a canonical form (numbers as Python's repr of a
 * float, any zero as 0.0: JavaScript keeps no int/float or -0 int distinction), since ints and
 * floats print differently in the two languages.
 */
const PYTHON = String.raw`
import json, math, sys
def canon(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, (int, float)):
        f = float(v) if not isinstance(v, int) or abs(v) < 10**308 else math.copysign(math.inf, v)
        return ['num', '0.0' if f == 0 else repr(f)]
    if isinstance(v, list): return [canon(x) for x in v]
    return {'obj': sorted([k, canon(x)] for k, x in v.items())}
out = []
for text in json.loads(sys.stdin.read()):
    try: out.append(['ok', canon(json.loads(text))])
    except RecursionError as e: out.append(['RecursionError', str(e)])
    except json.JSONDecodeError as e: out.append(['JSONDecodeError', str(e)])
print(json.dumps(out))
`;

function canon(value: unknown): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return ['num', formatPythonFloat(Object.is(value, -0) ? 0 : value)];
  if (Array.isArray(value)) return value.map(canon);
  return { obj: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, canon(v)]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)) };
}

function ours(text: string): unknown {
  const result = parsePythonJson(text);
  if (result.ok) return ['ok', canon(result.value)];
  return [result.error.name, result.error.message];
}

function python(texts: string[]): unknown[] {
  const run = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as unknown[];
}

function expectSameAsPython(texts: string[]): void {
  const expected = python(texts);
  const differences = texts.flatMap((text, i) => {
    const actual = ours(text);
    return JSON.stringify(actual) === JSON.stringify(expected[i]) ? [] : [{ text: text.slice(0, 200), python: expected[i], ficus: actual }];
  });
  expect(differences.slice(0, 5)).toEqual([]);
}

const TOKENS = [
  '{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud83d', '\\ude00', '\\n', '\\x', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E',
  'null', 'nul', 'true', 'tru', 'false', 'NaN', 'Infinity', '-Infinity', 'Inf', 'a', 'd8', 'ff', ' ', '\n', '\t', '\r', '\u0001',
  '\u00e9', '\u{1F600}', '\ufeff', '"key"', '"v"', '12', '1.5', '1e5', '0x1',
];

describe('parsePythonJson, against CPython json.loads', () => {
  it('answers the hand-picked corners as Python does', () => {
    expectSameAsPython([
      '', ' ', '{"jsonrpc": "2.0", "params": {', '[1,]', '{"a": 1,}', "{'a': 1}", '{"a" 1}', '[1 2]', '{"a": "\\x"}', '{"a": tru}', '1 2',
      '{"a":1}}', '"abc', '"a\\u12"', '"\\ud800\\u12"', '"\\ud800\\uzzzz"', '"\\ud800\\u"', '"\\ud83d\\ude00"', '"\\ud83d x"', '-', '1e', '1.',
      '--1', '\ufeff1', '"\t"', '[-]', '[N]', 'NaNx', '"\\"', 'NaN', '-Infinity', '[Infinity, -0, -0.0, 1E+2, 01]', '\u{1F600}\u{1F600}\n\u{1F600}x',
      '"\u{1F600}\u{1F600}" x', '[\n1,\n\n2 3]', '{"__proto__": {"x": 1}}', '{"a": 1, "a": 2}', '1e400', '-1e-400', '123456789012345678901234567890',
    ]);
  });

  it('gives up at the 977th nested container as Odoo 18 does under /web/dataset/call_kw (a standalone python3 has a different stack)', () => {
    expect(ours('['.repeat(976))).toEqual(['JSONDecodeError', 'Expecting value: line 1 column 977 (char 976)']);
    expect(ours('['.repeat(977))).toEqual(['RecursionError', 'maximum recursion depth exceeded while decoding a JSON array from a unicode string']);
    expect(ours('{"a":'.repeat(977))).toEqual(['RecursionError', 'maximum recursion depth exceeded while decoding a JSON object from a unicode string']);
    expect(ours('[{"a":'.repeat(600))).toEqual(['RecursionError', 'maximum recursion depth exceeded while decoding a JSON array from a unicode string']);
  });

  it('answers random near-JSON text as Python does', () => {
    const samples = fc.sample(
      fc.oneof(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((parts) => parts.join('')),
        fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '"', '}', ']', '\\', ' ', 'x', '\u0000'), fc.boolean()).map(([json, at, insert, drop]) => {
          const cut = at % (json.length + 1);
          return json.slice(0, cut) + insert + json.slice(drop ? cut + 1 : cut);
        }),
      ),
      { numRuns: 3000, seed: 20261206 },
    );
    expectSameAsPython(samples);
  });
});
