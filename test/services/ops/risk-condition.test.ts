import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionRefusal, readCondition } from '../../../services/ops/domain/risk-condition.ts';
import { conditionText } from './risk-domain-arbitraries.ts';

/**
 * hp.risk.rule conditions read as hp_risk reads them, `safe_eval(condition or '[]')` with no names,
 * against CPython itself (the python3 on this machine): compile first (a SyntaxError comes out
 * unwrapped), then evaluate (safe_eval wraps anything else as `%r while evaluating\n%r`), then
 * the constraint's list-or-tuple check. Over random domains written as Python literals, and
 * variants of them (cut short, a value replaced by a bare name, a bare number):
 * - a domain Python reads is read to the same value;
 * - "not a list", NameError texts and "'x' was never closed" texts are Python's, exactly;
 * - any other syntax error is refused too (CPython's wording of those is not reproduced).
 * Known limits, outside the generator: \x/\u escapes and exponent notation (1e-07) in a
 * condition are refused although Python reads them (the engine's literal reader does not).
 */
const PYTHON = String.raw`
import json, sys
out = []
for text in json.load(sys.stdin):
    src = text or '[]'
    try:
        code = compile(src.strip(), '', 'eval')
    except SyntaxError as e:
        out.append({'kind': 'syntax', 'text': str(e)})
        continue
    try:
        value = eval(code, {'__builtins__': {}})
    except Exception as e:
        out.append({'kind': 'error', 'text': '%r while evaluating\n%r' % (e, src)})
        continue
    if not isinstance(value, (list, tuple)):
        out.append({'kind': 'notlist'})
        continue
    out.append({'kind': 'domain', 'value': json.loads(json.dumps(value))})
print(json.dumps(out))
`;

type PythonAnswer = { kind: 'syntax' | 'error'; text: string } | { kind: 'notlist' } | { kind: 'domain'; value: unknown };

function python(texts: string[]): PythonAnswer[] {
  const run = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as PythonAnswer[];
}

const printable = fc.string({ unit: fc.constantFrom("'", '"', '\\', '\n', '\t', ' ', 'é', '血', '%', '_', 'a', 'B', 'z', '0', '9', '(', ']', ','), maxLength: 8 });
const scalar = fc.oneof(printable, fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: -100000, max: 100000 }).map((n) => n / 100), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
const leaf = fc.tuple(fc.constantFrom('amount', 'state', 'partner_id.name', 'score'), fc.constantFrom('=', '!=', '>', '<=', 'in', 'not in', 'ilike', '=like'), value);
const domain = fc.array(fc.oneof(leaf, fc.constantFrom('&', '|', '!')), { maxLength: 6 });
const variant = fc.tuple(domain, fc.nat(), fc.constantFrom('whole', 'cut', 'drop', 'closer', 'name', 'number', 'empty')).map(([d, n, how]) => {
  const text = conditionText(d);
  if (how === 'cut') return text.slice(0, n % (text.length + 1));
  // One bracket gone, or a stray closer: mismatched and unmatched brackets.
  if (how === 'drop') {
    const brackets = [...text.matchAll(/[()[\]]/g)].map((m) => m.index!);
    const at = brackets.length ? brackets[n % brackets.length]! : 0;
    return text.slice(0, at) + text.slice(at + 1);
  }
  if (how === 'closer') return text.slice(0, n % (text.length + 1)) + ')]}'[n % 3] + text.slice(n % (text.length + 1));
  if (how === 'name') return text.replace(/'[^'\\]*'/, ['foo', 'draft', 'user', 'uid'][n % 4]!);
  if (how === 'number') return String(n);
  if (how === 'empty') return '';
  return text;
});

describe('risk rule conditions against CPython', () => {
  it('2,000 conditions: the same domains, the same refusals, Python\'s texts where the addon shows them', () => {
    const texts = [...fc.sample(variant, { numRuns: 2000, seed: 26 }), "[('score', '=', ]", "[('a', '=', 1)]]", "[(\n'a', '=', 1]"];
    const answers = python(texts);
    let kinds = { domain: 0, notlist: 0, error: 0, syntax: 0 };
    texts.forEach((text, i) => {
      const answer = answers[i]!;
      kinds = { ...kinds, [answer.kind]: kinds[answer.kind] + 1 };
      const ours = readCondition(text);
      if (answer.kind === 'domain') expect({ text, ours }).toEqual({ text, ours: { domain: answer.value } });
      else if (answer.kind === 'notlist') expect({ text, ours }).toEqual({ text, ours: { problem: expect.objectContaining({ notAList: true }) } });
      else if (answer.kind === 'error' || / was never closed |^unmatched |^closing parenthesis /.test(answer.text)) expect({ text, ours }).toEqual({ text, ours: { problem: { text: answer.text, notAList: false } } });
      else expect({ text, refused: 'problem' in ours }).toEqual({ text, refused: true });
    });
    // Every kind of answer was exercised.
    expect(Object.values(kinds).every((n) => n > 20)).toBe(true);
  });

  it('the constraint\'s texts', () => {
    expect(conditionRefusal('X', "[('a', '=', 1)]")).toBeNull();
    expect(conditionRefusal('X', null)).toBeNull();
    expect(conditionRefusal('X', '{}')?.message).toBe('The condition of rule X must be a list.');
    expect(conditionRefusal('X', "{'a': 1}")?.message).toBe('The condition of rule X must be a list.');
    expect(conditionRefusal('X', '3')?.message).toBe('The condition of rule X must be a list.');
    expect(conditionRefusal('X', "'abc'")?.message).toBe('The condition of rule X must be a list.');
  });
});
