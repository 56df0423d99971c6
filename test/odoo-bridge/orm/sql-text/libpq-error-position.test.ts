import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { displayWidth, errorPositionExcerpt } from '../../../../odoo-bridge/orm/sql-text/libpq-error-position.ts';

/**
 * libpq's error-position display (fe-protocol3.c reportErrorPosition), which psycopg2 appends to
 * PostgreSQL's message and Odoo sends to its clients.
 *
 * 1. Exact texts recorded from real psycopg2 2.9.5 / libpq 15 over random statements (multi-line
 *    with \r, \n, \r\n and tabs, wide and accented characters, positions near and far from the
 *    start of their line): fixtures/odoo-sql-errors/libpq-excerpts.jsonl, recorded by
 *    scripts/sql-value-errors/record-libpq-excerpts.py.
 * 2. Random texts and positions (fast-check) against the algorithm's rules, stated independently:
 *    the line number, the shown part being a piece of the position's line, its width, the `...`
 *    marks, and the caret under the position's character.
 */
interface Recorded {
  query: string;
  position: number;
  message: string;
}
const recorded: Recorded[] = readFileSync('fixtures/odoo-sql-errors/libpq-excerpts.jsonl', 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Recorded);

describe('libpq error-position excerpt', () => {
  it('covers multi-line, cut and wide-character cases in the recording', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(300);
    expect(recorded.filter((r) => !r.message.includes('LINE 1:')).length).toBeGreaterThan(50);
    expect(recorded.filter((r) => r.message.includes('...')).length).toBeGreaterThan(50);
    expect(recorded.filter((r) => Array.from(r.query).some((ch) => displayWidth(ch) === 2)).length).toBeGreaterThan(50);
  });

  it('prints what psycopg2 printed for every recorded statement', () => {
    const differing = recorded.filter((r) => `${r.message.split('\n')[0]}\n${errorPositionExcerpt(r.query, r.position)}` !== r.message);
    expect(differing).toEqual([]);
  });

  it('prints nothing for a position outside the text', () => {
    expect(errorPositionExcerpt('SELECT 1', 0)).toBe('');
    expect(errorPositionExcerpt('SELECT 1', 10)).toBe('');
    expect(errorPositionExcerpt('SELECT 1', 9)).toBe('LINE 1: SELECT 1\n                ^\n');
  });

  // Statements of many short lines, and of one or two long ones (where the cutting rules apply).
  const piece = (breaks: number) =>
    fc.oneof(
      { weight: 60, arbitrary: fc.constantFrom(...'abcdefgh "\'(),.=_0123456789'.split('')) },
      { weight: breaks, arbitrary: fc.constantFrom('\n', '\r', '\r\n') },
      { weight: 3, arbitrary: fc.constant('\t') },
      { weight: 10, arbitrary: fc.constantFrom('é', '中', '文', 'ｱ', '😀', 'ß', '→') },
    );
  const textAndPosition = fc
    .oneof(fc.array(piece(10), { maxLength: 160, size: 'max' }), fc.array(piece(1), { minLength: 50, maxLength: 200, size: 'max' }))
    .map((pieces) => pieces.join(''))
    .chain((text) => fc.tuple(fc.constant(text), fc.integer({ min: 1, max: Array.from(text).length + 1 })));

  it('follows libpq rules on random texts and positions', () => {
    fc.assert(
      fc.property(textAndPosition, ([text, position]) => {
        const chars = Array.from(text.replaceAll('\t', ' '));
        const loc = position - 1;
        const excerpt = errorPositionExcerpt(text, position);
        const [first, caret, rest] = excerpt.split('\n');
        expect(rest).toBe('');
        // The line holding the position: breaks before it count once per \r\n.
        let lineStart = 0;
        let lineNumber = 1;
        for (let i = 0; i < loc; i++) {
          if (chars[i] === '\r' || chars[i] === '\n') {
            if (chars[i] === '\r' || i === 0 || chars[i - 1] !== '\r') lineNumber++;
            lineStart = i + 1;
          }
        }
        let lineEnd = loc;
        while (lineEnd < chars.length && chars[lineEnd] !== '\r' && chars[lineEnd] !== '\n') lineEnd++;
        const line = chars.slice(lineStart, lineEnd);
        const width = (cs: readonly string[]) => cs.reduce((sum, ch) => sum + displayWidth(ch), 0);
        const prefix = `LINE ${lineNumber}: `;
        expect(first!.startsWith(prefix)).toBe(true);
        let shown = first!.slice(prefix.length);
        const cutLeft = shown.startsWith('...') && width(line) > 60;
        if (cutLeft) shown = shown.slice(3);
        const cutRight = shown.endsWith('...') && width(line) > 60 && !line.join('').endsWith(shown);
        if (cutRight) shown = shown.slice(0, -3);
        const shownChars = Array.from(shown);
        // A piece of the line, whole when it fits in 60 columns, else at most 60 columns.
        const from = line.join('').indexOf(shown, 0);
        expect(from).toBeGreaterThanOrEqual(0);
        if (width(line) <= 60) {
          expect(shown).toBe(line.join(''));
        } else {
          expect(width(shownChars)).toBeLessThanOrEqual(60);
          expect(cutLeft || cutRight).toBe(true);
        }
        // A long line is cut on the left only when the position lies beyond its first 50 columns.
        const locColumn = width(line.slice(0, loc - lineStart));
        if (width(line) > 60 && locColumn + 10 <= 60) {
          expect(cutLeft).toBe(false);
          expect(line.join('').startsWith(shown)).toBe(true);
        }
        // The caret sits under the position's character (or just after the shown part at the line's end).
        expect(caret!.trimStart()).toBe('^');
        let column = prefix.length + (cutLeft ? 3 : 0);
        let under: string | undefined;
        let underIndex: number | undefined;
        for (const [index, ch] of shownChars.entries()) {
          if (column === caret!.length - 1) {
            under = ch;
            underIndex = index;
            break;
          }
          column += displayWidth(ch);
        }
        if (loc - lineStart < line.length) expect(under).toBe(line[loc - lineStart]);
        else expect(column).toBe(caret!.length - 1);
        // Past the first 50 columns the cut keeps at most 10 columns after the position, as many as fit.
        if (width(line) > 60 && locColumn + 10 > 60) {
          const kept = underIndex === undefined ? [] : shownChars.slice(underIndex);
          expect(width(kept)).toBeLessThanOrEqual(10);
          const next = line[loc - lineStart + kept.length];
          if (cutRight && next !== undefined) expect(width(kept) + displayWidth(next)).toBeGreaterThan(10);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
