import { PythonFloat } from '../xmlrpc/values.ts';

/**
 * The JSON-RPC `id` as Python's json.loads reads it, for Odoo echoes it as it got it: an integer
 * is exact at any size (`12345678901234567890`, which a double rounds), and a number written with
 * a fraction or an exponent is a float (`20.0` comes back `20.0`, where JSON.parse gives 20).
 * JSON.parse's value is kept unless some `"id": <number>` member of the body is spelled otherwise
 * than JavaScript spells that integer (one native scan); only then is the body's top-level `id`
 * member looked up, by a walk that builds nothing.
 */
export function exactRequestId(text: string, parsed: unknown): unknown {
  if (typeof parsed !== 'number' || !Number.isInteger(parsed)) return parsed;
  const spelled = String(parsed);
  if (!hasIdMemberSpelledOtherwise(text, spelled)) return parsed;
  const token = topLevelMemberToken(text, 'id');
  if (token === undefined || token === spelled) return parsed;
  if (/[.eE]/.test(token)) return new PythonFloat(parsed);
  return Number.isSafeInteger(parsed) ? parsed : BigInt(token);
}

const NUMBER_AT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/;
const ID_MEMBER = /"id"\s*:\s*(-?[\d.eE+-]+)/g;

/**
 * Whether any `"id": <number>` in the text (the top-level member among them) is not `spelled`, or
 * the key may be written with escapes (`"\u0069d"`: no JSON writer escapes ASCII letters, so only
 * a hand-made body pays the walk).
 */
function hasIdMemberSpelledOtherwise(text: string, spelled: string): boolean {
  if (text.includes('\\u0069') || text.includes('\\u0064')) return true;
  ID_MEMBER.lastIndex = 0;
  for (let match = ID_MEMBER.exec(text); match; match = ID_MEMBER.exec(text)) {
    if (match[1] !== spelled) return true;
  }
  return false;
}

/** The text of a top-level member's number value (the last one of that name), walking the object without building it. */
function topLevelMemberToken(text: string, name: string): string | undefined {
  const quotedName = JSON.stringify(name);
  let index = skipWhitespace(text, 0);
  if (text.charCodeAt(index) !== OPEN_BRACE) return undefined;
  index++;
  let found: string | undefined;
  for (;;) {
    index = skipWhitespace(text, index);
    if (text.charCodeAt(index) !== QUOTE) return found;
    const keyEnd = stringEnd(text, index);
    const rawKey = text.slice(index, keyEnd);
    // A key spelled with escapes is compared by its value; the plain spelling needs no parse.
    const isName = rawKey === quotedName || (rawKey.includes('\\') && JSON.parse(rawKey) === name);
    index = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(index) !== COLON) return found;
    index = skipWhitespace(text, index + 1);
    const valueEnd = valueEndAt(text, index);
    if (isName) found = NUMBER_AT.exec(text.slice(index, valueEnd))?.[0];
    index = skipWhitespace(text, valueEnd);
    if (text.charCodeAt(index) !== COMMA) return found;
    index++;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function skipWhitespace(text: string, index: number): number {
  for (;;) {
    const unit = text.charCodeAt(index);
    if (unit !== 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) return index;
    index++;
  }
}

/** The index after a string starting at `index` (its opening quote). */
function stringEnd(text: string, index: number): number {
  let at = index + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index after the value starting at `index` (the body already parsed, so it is well formed). */
function valueEndAt(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === QUOTE) return stringEnd(text, index);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let at = index;
    for (;;) {
      const unit = text.charCodeAt(at);
      if (Number.isNaN(unit) || unit === COMMA || unit === CLOSE_BRACE || unit === CLOSE_BRACKET || unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d) return at;
      at++;
    }
  }
  let depth = 0;
  for (let at = index; at < text.length; at++) {
    const unit = text.charCodeAt(at);
    if (unit === QUOTE) at = stringEnd(text, at) - 1;
    else if (unit === OPEN_BRACE || unit === OPEN_BRACKET) depth++;
    else if (unit === CLOSE_BRACE || unit === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return text.length;
}
