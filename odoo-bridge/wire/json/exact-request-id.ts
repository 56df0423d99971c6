import { PythonFloat } from '../xmlrpc/values.ts';

/**
 * The JSON-RPC `id` as Python's json.loads reads it, for Odoo echoes it as it got it: an integer
 * is exact at any size (`12345678901234567890`, which a double rounds), and a number written with
 * a fraction or an exponent is a float (`20.0` comes back `20.0`, where JSON.parse gives 20).
 * JSON.parse's value is kept whenever the id's text is the number's own spelling; the body's
 * top-level `id` member is looked up only for an integral number whose text may differ.
 */
export function exactRequestId(text: string, parsed: unknown): unknown {
  if (typeof parsed !== 'number' || !Number.isInteger(parsed)) return parsed;
  const spelled = String(parsed);
  const token = lastMemberToken(text) ?? firstMemberToken(text) ?? topLevelMemberToken(text, 'id');
  if (token === undefined || token === spelled) return parsed;
  if (/[.eE]/.test(token)) return new PythonFloat(parsed);
  return Number.isSafeInteger(parsed) ? parsed : BigInt(token);
}

const NUMBER_AT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/;

/** `…, "id": <number>}` closing the body: the top-level member, whatever came before. */
function lastMemberToken(text: string): string | undefined {
  const match = /[{,]\s*"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*}\s*$/.exec(text.slice(Math.max(0, text.length - 80)));
  return match?.[1];
}

/** `{"id": <number>, …` opening the body, when no later `"id"` could be a duplicate key (the last one wins in both parsers). */
function firstMemberToken(text: string): string | undefined {
  const match = /^\s*{\s*"id"\s*:\s*/.exec(text);
  if (!match) return undefined;
  const token = NUMBER_AT.exec(text.slice(match[0].length))?.[0];
  return token !== undefined && text.indexOf('"id"', match[0].length) < 0 ? token : undefined;
}

/** The text of a top-level member's number value (the last one of that name), walking the object without building it. */
function topLevelMemberToken(text: string, name: string): string | undefined {
  let index = skipWhitespace(text, 0);
  if (text[index] !== '{') return undefined;
  index++;
  let found: string | undefined;
  for (;;) {
    index = skipWhitespace(text, index);
    if (text[index] !== '"') return found;
    const keyEnd = stringEnd(text, index);
    const key = JSON.parse(text.slice(index, keyEnd)) as string;
    index = skipWhitespace(text, keyEnd);
    if (text[index] !== ':') return found;
    index = skipWhitespace(text, index + 1);
    const valueEnd = valueEndAt(text, index);
    if (key === name) found = NUMBER_AT.exec(text.slice(index, valueEnd))?.[0];
    index = skipWhitespace(text, valueEnd);
    if (text[index] !== ',') return found;
    index++;
  }
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  return index;
}

/** The index after a string starting at `index` (its opening quote). */
function stringEnd(text: string, index: number): number {
  for (let at = index + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at + 1;
  }
  return text.length;
}

/** The index after the value starting at `index` (the body already parsed, so it is well formed). */
function valueEndAt(text: string, index: number): number {
  if (text[index] === '"') return stringEnd(text, index);
  if (text[index] !== '{' && text[index] !== '[') {
    let at = index;
    while (at < text.length && !',}] \t\n\r'.includes(text[at]!)) at++;
    return at;
  }
  let depth = 0;
  for (let at = index; at < text.length; at++) {
    const char = text[at];
    if (char === '"') at = stringEnd(text, at) - 1;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return text.length;
}
