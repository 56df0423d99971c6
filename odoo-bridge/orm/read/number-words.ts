/**
 * English cardinal words as the num2words library (lang "en", the version Odoo 18 runs with)
 * writes them, then Python's `str.title()`, for res.currency `amount_to_text`:
 * 31750 → "Thirty-One Thousand, Seven Hundred And Fifty". num2words splits the number over its
 * word table (largest first) and merges the pieces pairwise: "one" before a small number drops,
 * tens join units with '-', hundreds join smaller numbers with ' and ', a multiplier joins its
 * unit with ' ', and what remains is joined with ', '.
 */
const HIGH = ['m', 'b', 'tr', 'quadr', 'quint', 'sext', 'sept', 'oct', 'non'];
const CARDS: ReadonlyArray<readonly [bigint, string]> = [
  ...HIGH.map((prefix, i) => [10n ** BigInt(6 + 3 * i), `${prefix}illion`] as const).reverse(),
  [1000n, 'thousand'], [100n, 'hundred'], [90n, 'ninety'], [80n, 'eighty'], [70n, 'seventy'], [60n, 'sixty'], [50n, 'fifty'], [40n, 'forty'], [30n, 'thirty'],
  ...['twenty', 'nineteen', 'eighteen', 'seventeen', 'sixteen', 'fifteen', 'fourteen', 'thirteen', 'twelve', 'eleven', 'ten', 'nine', 'eight', 'seven', 'six', 'five', 'four', 'three', 'two', 'one', 'zero']
    .map((word, i) => [BigInt(20 - i), word] as const),
];
const MAX = 1000n * CARDS[0]![0];

type Pair = readonly [string, bigint];
type Split = Pair | Split[];

function splitnum(value: bigint): Split[] {
  for (const [card, word] of CARDS) {
    if (card > value) continue;
    const out: Split[] = [];
    const [div, mod] = value === 0n ? [1n, 0n] : [value / card, value % card];
    if (div === 1n) out.push(['one', 1n]);
    else out.push(splitnum(div));
    out.push([word, card]);
    if (mod) out.push(splitnum(mod));
    return out;
  }
  return [];
}

function merge([ltext, lnum]: Pair, [rtext, rnum]: Pair): Pair {
  if (lnum === 1n && rnum < 100n) return [rtext, rnum];
  if (100n > lnum && lnum > rnum) return [`${ltext}-${rtext}`, lnum + rnum];
  if (lnum >= 100n && 100n > rnum) return [`${ltext} and ${rtext}`, lnum + rnum];
  if (rnum > lnum) return [`${ltext} ${rtext}`, lnum * rnum];
  return [`${ltext}, ${rtext}`, lnum + rnum];
}

const isPair = (value: Split): value is Pair => typeof value[0] === 'string';

/** num2words' `clean`: merge the first two pieces while both are words, else clean the nested lists first. */
function clean(val: Split[]): Pair {
  let out: Split[] = val;
  while (val.length !== 1) {
    out = [];
    const [left, right] = val as [Split, Split];
    if (isPair(left) && isPair(right)) {
      out.push(merge(left, right));
      if (val.length > 2) out.push(val.slice(2));
    } else {
      for (const elem of val) {
        if (!isPair(elem)) out.push(elem.length === 1 ? elem[0]! : clean(elem));
        else out.push(elem);
      }
    }
    val = out;
  }
  return out[0] as Pair;
}

/** num2words(value, lang='en') for an integer. */
export function englishCardinal(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  if (magnitude >= MAX) throw new RangeError(`abs(${value}) must be less than ${MAX}.`);
  return `${negative ? 'minus ' : ''}${clean(splitnum(magnitude))[0]}`;
}

/** Python's `str.title()`: a letter after a non-letter is upper case, every other letter lower case. */
export function pythonTitle(text: string): string {
  let previousIsLetter = false;
  let out = '';
  for (const ch of text) {
    const isLetter = ch.toLowerCase() !== ch.toUpperCase();
    out += isLetter ? (previousIsLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousIsLetter = isLetter;
  }
  return out;
}
