/**
 * JSON as Odoo reads a request body: Python 3.11's `json.loads` (the C scanner of `_json.c`),
 * which differs from JSON.parse in what it accepts and in how it refuses:
 * - it accepts the bare words `NaN`, `Infinity` and `-Infinity` (Odoo echoes `"id": NaN` back);
 * - a leading byte-order mark is an error of its own;
 * - an error names what was expected and where, in code points, as Python words it:
 *   `Expecting ',' delimiter: line 1 column 4 (char 3)`. Odoo puts that text in the answer of
 *   routes that read the body before dispatching (`/web/dataset/call_kw`).
 *
 * JSON.parse accepts nothing Python refuses and builds the same values for what both accept, so
 * it runs first; the scanner below runs only on what JSON.parse refuses.
 */

/** `json.decoder.JSONDecodeError`: `message` is Python's `str(exc)`. */
export class PythonJsonDecodeError extends Error {
  constructor(
    readonly reason: string,
    /** The position, in code points. */
    readonly position: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason}: line ${line} column ${column} (char ${position})`);
    this.name = 'JSONDecodeError';
  }
}

/**
 * `RecursionError`: Python enters one C-level recursion per nested array or object and gives up
 * at the interpreter's limit. Measured on Odoo 18 under `/web/dataset/call_kw` (the one path that
 * reports it): the 977th nested container fails.
 */
export class PythonJsonRecursionError extends Error {
  constructor(container: 'array' | 'object') {
    super(`maximum recursion depth exceeded while decoding a JSON ${container} from a unicode string`);
    this.name = 'RecursionError';
  }
}

const PYTHON_NESTING_LIMIT = 977;

export type PythonJsonResult = { ok: true; value: unknown } | { ok: false; error: PythonJsonDecodeError | PythonJsonRecursionError };

export function parsePythonJson(text: string): PythonJsonResult {
  if (text.charCodeAt(0) !== 0xfeff) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // Refused by JSON.parse: scan it as Python does, for its values or its exact error.
    }
  }
  try {
    return { ok: true, value: new PythonJsonScanner(text).document() };
  } catch (thrown) {
    if (thrown instanceof ScanError) return { ok: false, error: decodeError(text, thrown.reason, thrown.index) };
    if (thrown instanceof PythonJsonRecursionError) return { ok: false, error: thrown };
    throw thrown;
  }
}

/** A refusal at a UTF-16 index of the text; its code point position is worked out once, at the end. */
class ScanError {
  constructor(
    readonly reason: string,
    readonly index: number,
  ) {}
}

/** Python's StopIteration(idx) inside the scanner, reported as "Expecting value" at idx. */
const expectingValue = (index: number) => new ScanError('Expecting value', index);

function decodeError(text: string, reason: string, index: number): PythonJsonDecodeError {
  const position = codePointsBefore(text, index);
  const lastNewline = text.lastIndexOf('\n', index - 1);
  const line = countNewlines(text, index) + 1;
  const column = lastNewline < 0 ? position + 1 : position - codePointsBefore(text, lastNewline);
  return new PythonJsonDecodeError(reason, position, line, column);
}

/** Python counts a character outside the BMP once; a JS string holds it as two UTF-16 units. */
function codePointsBefore(text: string, index: number): number {
  let count = index;
  for (let i = 0; i < index; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < index) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function countNewlines(text: string, index: number): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

const isWhitespace = (unit: number) => unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d;
const isDigit = (unit: number) => unit >= 0x30 && unit <= 0x39;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** `_json.c`'s scanner (CPython 3.11), over UTF-16 units; positions are converted when reported. */
class PythonJsonScanner {
  readonly #text: string;
  readonly #length: number;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
    this.#length = text.length;
  }

  document(): unknown {
    if (this.#text.charCodeAt(0) === 0xfeff) throw new ScanError('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    const [value, end] = this.#value(this.#skipWhitespace(0));
    const after = this.#skipWhitespace(end);
    if (after !== this.#length) throw new ScanError('Extra data', after);
    return value;
  }

  #skipWhitespace(index: number): number {
    while (index < this.#length && isWhitespace(this.#text.charCodeAt(index))) index++;
    return index;
  }

  #startsWithAt(word: string, index: number): boolean {
    return this.#text.startsWith(word, index);
  }

  #value(index: number): [unknown, number] {
    if (index >= this.#length) throw expectingValue(index);
    switch (this.#text[index]) {
      case '"':
        return this.#string(index + 1);
      case '{':
        return this.#nested('object', () => this.#object(index + 1));
      case '[':
        return this.#nested('array', () => this.#array(index + 1));
      case 'n':
        if (this.#startsWithAt('null', index)) return [null, index + 4];
        break;
      case 't':
        if (this.#startsWithAt('true', index)) return [true, index + 4];
        break;
      case 'f':
        if (this.#startsWithAt('false', index)) return [false, index + 5];
        break;
      case 'N':
        if (this.#startsWithAt('NaN', index)) return [NaN, index + 3];
        break;
      case 'I':
        if (this.#startsWithAt('Infinity', index)) return [Infinity, index + 8];
        break;
      case '-':
        if (this.#startsWithAt('-Infinity', index)) return [-Infinity, index + 9];
        break;
    }
    return this.#number(index);
  }

  #nested<T>(container: 'array' | 'object', scan: () => T): T {
    if (++this.#depth >= PYTHON_NESTING_LIMIT) throw new PythonJsonRecursionError(container);
    try {
      return scan();
    } finally {
      this.#depth--;
    }
  }

  #number(start: number): [number, number] {
    const text = this.#text;
    const last = this.#length - 1;
    let index = start;
    if (text.charCodeAt(index) === 0x2d) {
      index++;
      if (index > last) throw expectingValue(start);
    }
    const first = text.charCodeAt(index);
    if (first >= 0x31 && first <= 0x39) {
      index++;
      while (index <= last && isDigit(text.charCodeAt(index))) index++;
    } else if (first === 0x30) {
      index++;
    } else {
      throw expectingValue(start);
    }
    if (index < last && text.charCodeAt(index) === 0x2e && isDigit(text.charCodeAt(index + 1))) {
      index += 2;
      while (index <= last && isDigit(text.charCodeAt(index))) index++;
    }
    const e = text.charCodeAt(index);
    if (index < last && (e === 0x65 || e === 0x45)) {
      const exponentStart = index;
      index++;
      const sign = text.charCodeAt(index);
      if (index < last && (sign === 0x2d || sign === 0x2b)) index++;
      while (index <= last && isDigit(text.charCodeAt(index))) index++;
      if (!isDigit(text.charCodeAt(index - 1))) index = exponentStart;
    }
    return [Number(text.slice(start, index)), index];
  }

  #string(end: number): [string, number] {
    const text = this.#text;
    const length = this.#length;
    const begin = end - 1;
    let value = '';
    for (;;) {
      let next = end;
      let unit = 0;
      for (; next < length; next++) {
        unit = text.charCodeAt(next);
        if (unit === QUOTE || unit === BACKSLASH) break;
        if (unit <= 0x1f) throw new ScanError('Invalid control character at', next);
      }
      if (next >= length) throw new ScanError('Unterminated string starting at', begin);
      value += text.slice(end, next);
      next++;
      if (unit === QUOTE) return [value, next];
      if (next === length) throw new ScanError('Unterminated string starting at', begin);
      const escape = text[next]!;
      if (escape !== 'u') {
        end = next + 1;
        const decoded = SIMPLE_ESCAPES[escape];
        if (decoded === undefined) throw new ScanError('Invalid \\escape', end - 2);
        value += decoded;
        continue;
      }
      next++;
      end = next + 4;
      if (end >= length) throw new ScanError('Invalid \\uXXXX escape', next - 1);
      let code = this.#hex4(next, end);
      next = end;
      if (code >= 0xd800 && code <= 0xdbff && end + 6 < length && text.charCodeAt(next) === BACKSLASH && text.charCodeAt(next + 1) === 0x75) {
        end += 6;
        const low = this.#hex4(next + 2, end);
        if (low >= 0xdc00 && low <= 0xdfff) code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        else end -= 6;
      }
      value += String.fromCodePoint(code);
    }
  }

  /** Four hex digits ending before `end`; an error points at their start, as `_json.c` does. */
  #hex4(from: number, end: number): number {
    const digits = this.#text.slice(from, end);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new ScanError('Invalid \\uXXXX escape', end - 5);
    return Number.parseInt(digits, 16);
  }

  #object(start: number): [Record<string, unknown>, number] {
    const text = this.#text;
    const last = this.#length - 1;
    const object: Record<string, unknown> = {};
    let index = this.#skipWhitespace(start);
    if (index > last || text.charCodeAt(index) !== 0x7d) {
      for (;;) {
        if (index > last || text.charCodeAt(index) !== QUOTE) throw new ScanError('Expecting property name enclosed in double quotes', index);
        const [key, afterKey] = this.#string(index + 1);
        index = this.#skipWhitespace(afterKey);
        if (index > last || text.charCodeAt(index) !== 0x3a) throw new ScanError("Expecting ':' delimiter", index);
        const [value, afterValue] = this.#value(this.#skipWhitespace(index + 1));
        // An own property even for "__proto__", as JSON.parse makes it.
        Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
        index = this.#skipWhitespace(afterValue);
        if (index <= last && text.charCodeAt(index) === 0x7d) break;
        if (index > last || text.charCodeAt(index) !== 0x2c) throw new ScanError("Expecting ',' delimiter", index);
        index = this.#skipWhitespace(index + 1);
      }
    }
    return [object, index + 1];
  }

  #array(start: number): [unknown[], number] {
    const text = this.#text;
    const last = this.#length - 1;
    const array: unknown[] = [];
    let index = this.#skipWhitespace(start);
    if (index > last || text.charCodeAt(index) !== 0x5d) {
      for (;;) {
        const [value, afterValue] = this.#value(index);
        array.push(value);
        index = this.#skipWhitespace(afterValue);
        if (index <= last && text.charCodeAt(index) === 0x5d) break;
        if (index > last || text.charCodeAt(index) !== 0x2c) throw new ScanError("Expecting ',' delimiter", index);
        index = this.#skipWhitespace(index + 1);
      }
    }
    return [array, index + 1];
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
