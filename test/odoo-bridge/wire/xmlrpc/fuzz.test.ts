import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeMethodCall } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';
import { parseWithinBudget } from './parse-budget.ts';
import { xmlRpcValue, xmlSafeText } from './arbitraries.ts';

const validBody = fc.array(xmlRpcValue(xmlSafeText), { maxLength: 4 }).map((params) => serializeMethodCall('execute_kw', params));

/** A valid body with bytes cut out, pasted in, repeated or replaced. */
const mutatedBody = fc
  .tuple(validBody, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom('cut', 'insert', 'repeat', 'replace'), fc.string({ unit: 'binary', maxLength: 8 })), { minLength: 1, maxLength: 4 }))
  .map(([body, mutations]) => {
    let text = body;
    for (const [at, length, kind, inserted] of mutations) {
      const start = at % (text.length + 1);
      const piece = text.slice(start, start + length);
      if (kind === 'cut') text = text.slice(0, start) + text.slice(start + length);
      if (kind === 'insert') text = text.slice(0, start) + inserted + text.slice(start);
      if (kind === 'repeat') text = text.slice(0, start) + piece.repeat(3) + text.slice(start);
      if (kind === 'replace') text = text.slice(0, start) + inserted + text.slice(start + length);
    }
    return text;
  });

const xmlish = fc.array(fc.constantFrom('<', '>', '/', '&', ';', '#', 'x', '"', '=', ' ', 'methodCall', 'value', 'param', 'params', 'array', 'data', 'struct', 'member', 'name', 'int', '1', '!DOCTYPE', '![CDATA[', ']]', '?xml', '?', 'amp', '\u0000', '\ud800', 'é'), { maxLength: 60 }).map((parts) => parts.join(''));

describe('parseMethodCall under fuzzing', () => {
  it('answers 20,000 random and malformed bodies, each within 1 s, with a value or an XmlRpcParseError', () => {
    const counts = { parsed: 0, refused: 0 };
    const run = (arbitrary: fc.Arbitrary<Buffer | string>, numRuns: number, seed: number) =>
      fc.assert(fc.property(arbitrary, (body) => { counts[parseWithinBudget(body)] += 1; }), { numRuns, seed });
    run(fc.string({ unit: 'binary', maxLength: 200 }), 4_000, 1);
    run(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), 4_000, 2);
    run(xmlish, 4_000, 3);
    run(mutatedBody, 6_000, 4);
    run(mutatedBody.map((text) => Buffer.from(text, 'utf8')), 2_000, 5);
    console.info(`fuzz: ${counts.parsed} parsed, ${counts.refused} refused`);
    expect(counts.parsed + counts.refused).toBe(20_000);
  });

  it('refuses plain garbage', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => parseWithinBudget(`garbage ${text}`) === 'refused'),
      { numRuns: 2_000, seed: 6 },
    );
  });

});
