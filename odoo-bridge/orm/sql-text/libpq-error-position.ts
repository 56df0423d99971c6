/**
 * libpq's cursor display of an error position (PostgreSQL src/interfaces/libpq/fe-protocol3.c,
 * `reportErrorPosition`), which psycopg2 puts in every error message whose server report carries
 * a statement position: `LINE <n>: <the line, cut to 60 screen columns>` and a caret line.
 *
 * Our own implementation of the same rules, over a statement text in UTF-8 client encoding:
 * the position counts characters from 1; tabs show as spaces; `\r`, `\n` and `\r\n` end lines;
 * a line wider than 60 columns is cut on the right when the position is in its first 50 columns,
 * otherwise cut to 10 columns after the position and then on the left to 60, with `...` where
 * it is cut. East Asian wide characters take two columns, every other character one.
 */
const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/** The `LINE n: …\n<spaces>^\n` lines, or '' when the position lies beyond the text (as libpq prints nothing then). */
export function errorPositionExcerpt(query: string, position: number): string {
  const loc = position - 1;
  if (!Number.isInteger(loc) || loc < 0) return '';
  const chars = Array.from(query.replaceAll('\t', ' '));
  // Each character's starting screen column, up to the end of the line holding `loc` (exclusive).
  const column: number[] = [];
  let screen = 0;
  let line = 1;
  let begin = 0;
  let end = -1;
  let index = 0;
  for (; index < chars.length; index++) {
    const ch = chars[index]!;
    column[index] = screen;
    if (ch === '\r' || ch === '\n') {
      if (index < loc) {
        if (ch === '\r' || index === 0 || chars[index - 1] !== '\r') line++;
        begin = index + 1;
      } else {
        end = index;
        break;
      }
    }
    screen += displayWidth(ch);
  }
  if (end < 0) {
    end = index;
    column[end] = screen;
  }
  if (loc > index) return '';
  let beginCut = false;
  let endCut = false;
  if (column[end]! - column[begin]! > DISPLAY_SIZE) {
    if (column[begin]! + DISPLAY_SIZE >= column[loc]! + MIN_RIGHT_CUT) {
      while (column[end]! - column[begin]! > DISPLAY_SIZE) end--;
      endCut = true;
    } else {
      while (column[loc]! + MIN_RIGHT_CUT < column[end]!) {
        end--;
        endCut = true;
      }
      while (column[end]! - column[begin]! > DISPLAY_SIZE) {
        begin++;
        beginCut = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${beginCut ? '...' : ''}`;
  const shown = chars.slice(begin, end).join('');
  const caretColumn = prefix.length + column[loc]! - column[begin]!;
  return `${prefix}${shown}${endCut ? '...' : ''}\n${' '.repeat(caretColumn)}^\n`;
}

/**
 * PostgreSQL's `ucs_wcwidth` as libpq uses it here (a control or combining character's width of
 * 0 or -1 counts as 1): two columns for East Asian wide and fullwidth characters, one otherwise.
 */
export function displayWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  return WIDE.some(([from, to]) => code >= from && code <= to) ? 2 : 1;
}

/** East Asian Wide (W) and Fullwidth (F) ranges (Unicode EastAsianWidth.txt, as PostgreSQL 15's unicode_east_asian_fw_table.h). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x2e99],
  [0x2e9b, 0x2ef3], [0x2f00, 0x2fd5], [0x2ff0, 0x2ffb], [0x3000, 0x303e], [0x3041, 0x3096], [0x3099, 0x30ff],
  [0x3105, 0x312f], [0x3131, 0x318e], [0x3190, 0x31e3], [0x31f0, 0x321e], [0x3220, 0x3247], [0x3250, 0x4dbf],
  [0x4e00, 0xa48c], [0xa490, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe52], [0xfe54, 0xfe66], [0xfe68, 0xfe6b], [0xff01, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x16ff0, 0x16ff1], [0x17000, 0x187f7], [0x18800, 0x18cd5], [0x18d00, 0x18d08], [0x1b000, 0x1b122],
  [0x1b150, 0x1b152], [0x1b164, 0x1b167], [0x1b170, 0x1b2fb], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248],
  [0x1f250, 0x1f251], [0x1f260, 0x1f265], [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c],
  [0x1f37e, 0x1f393], [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e], [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e],
  [0x1f550, 0x1f567], [0x1f57a, 0x1f57a], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f],
  [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc], [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945], [0x1f947, 0x1f978],
  [0x1f97a, 0x1f9cb], [0x1f9cd, 0x1f9ff], [0x1fa70, 0x1fa74], [0x1fa78, 0x1fa7a], [0x1fa80, 0x1fa86],
  [0x1fa90, 0x1faa8], [0x1fab0, 0x1fab6], [0x1fac0, 0x1fac2], [0x1fad0, 0x1fad6], [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];
