import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWithinBudget } from './parse-budget.ts';

/** 10 MB bodies, valid and hostile: each is answered within the 1 s budget, in linear time. */
describe.sequential('parseMethodCall on 10 MB bodies', () => {
  const TEN_MB = 10 * 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(TEN_MB / unit.length));
  const head = '<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value>';
  const tail = '</value></param></params></methodCall>';

  it.each([
    ['a 10 MB string value', head + fill('abcdefgh') + tail, 'parsed'],
    ['10 MB of character references', head + fill('&#x41;&amp;') + tail, 'parsed'],
    ['a 10 MB array', head + '<array><data>' + fill('<value><int>1</int></value>') + '</data></array>' + tail, 'parsed'],
    ['a 10 MB struct', head + '<struct>' + fill('<member><name>k</name><value><int>1</int></value></member>') + '</struct>' + tail, 'parsed'],
    ['10 MB of nesting', head + fill('<value><array><data>'), 'refused'],
    ['10 MB of open tags', fill('<a>'), 'refused'],
    ['10 MB of comments', head + fill('<!-- x -->') + tail, 'parsed'],
    ['10 MB of attributes', '<methodCall ' + fill('a="b" ') + '>', 'refused'],
    ['10 MB of unterminated text', head + fill('x'), 'refused'],
    ['10 MB DOCTYPE', '<!DOCTYPE x [' + fill('<!ENTITY a "b">') + ']><methodCall/>', 'refused'],
    ['10 MB of random bytes', Buffer.from(fc.sample(fc.uint8Array({ minLength: 65_536, maxLength: 65_536 }), { numRuns: 1, seed: 9 })[0]!).toString('latin1').repeat(160), 'refused'],
  ])('%s is answered within 1 s', (_label, body, expected) => {
    expect(parseWithinBudget(Buffer.from(body, 'utf8'))).toBe(expected);
  });

  it('ends in invalid UTF-8 after 10 MB and is refused within 1 s', () => {
    const body = Buffer.concat([Buffer.from(head + fill('x')), Buffer.from([0xff]), Buffer.from(tail)]);
    expect(parseWithinBudget(body)).toBe('refused');
  });
});
