import { describe, expect, it } from 'vitest';
import { englishCardinal, pythonTitle } from '../../../odoo-bridge/orm/read/number-words.ts';

/**
 * account.move `amount_total_words` writes amounts as num2words(lang='en').title() does; the
 * expected texts are that library's answers (Debian's python3-num2words, the one Odoo 18 ran
 * with for the recorded fixtures), covering each of its merge rules.
 */
const NUM2WORDS_EN: ReadonlyArray<readonly [bigint, string]> = [
  [0n, 'Zero'], [1n, 'One'], [21n, 'Twenty-One'], [100n, 'One Hundred'], [101n, 'One Hundred And One'],
  [999n, 'Nine Hundred And Ninety-Nine'], [1001n, 'One Thousand And One'], [1100n, 'One Thousand, One Hundred'],
  [5103n, 'Five Thousand, One Hundred And Three'], [31750n, 'Thirty-One Thousand, Seven Hundred And Fifty'],
  [100000n, 'One Hundred Thousand'], [1000001n, 'One Million And One'],
  [123456789n, 'One Hundred And Twenty-Three Million, Four Hundred And Fifty-Six Thousand, Seven Hundred And Eighty-Nine'],
  [-42n, 'Minus Forty-Two'], [2000000000n, 'Two Billion'],
];

describe('English amounts in words (num2words)', () => {
  for (const [value, words] of NUM2WORDS_EN) {
    it(`${value} is "${words}"`, () => expect(pythonTitle(englishCardinal(value))).toBe(words));
  }
  it('refuses what num2words cannot say', () => expect(() => englishCardinal(10n ** 40n)).toThrow(RangeError));
  it("title-cases as Python's str.title (after any non-letter)", () => expect(pythonTitle("o'neil-SMITH and co")).toBe("O'Neil-Smith And Co"));
});
