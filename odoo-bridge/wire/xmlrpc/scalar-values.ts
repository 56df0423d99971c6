import { XmlRpcParseError } from './errors.ts';
import { parsePythonFloat, parsePythonInt } from './python-number-literals.ts';
import { pythonStringRepr } from './python-repr.ts';
import { XmlRpcBinary } from './values.ts';

/**
 * Decoding of the text inside one XML-RPC scalar element, the way `xmlrpc.client.Unmarshaller`
 * (with `use_datetime=True`) does it in Odoo 18.
 */

export type ScalarTag = (typeof SCALAR_TAGS)[number];

export const SCALAR_TAGS = [
  'int', 'i1', 'i2', 'i4', 'i8', 'biginteger', 'boolean', 'double', 'float', 'bigdecimal',
  'string', 'base64', 'dateTime.iso8601', 'nil',
] as const;

const SCALAR_TAG_SET: ReadonlySet<string> = new Set(SCALAR_TAGS);
export const isScalarTag = (tag: string): tag is ScalarTag => SCALAR_TAG_SET.has(tag);

export function decodeScalar(tag: ScalarTag, text: string): unknown {
  switch (tag) {
    case 'int': case 'i1': case 'i2': case 'i4': case 'i8': case 'biginteger':
      return parsePythonInt(text);
    case 'double': case 'float':
      return parsePythonFloat(text);
    case 'bigdecimal':
      // Python builds a Decimal, which Odoo's ORM uses as a number; a double is the closest JS value.
      return parsePythonFloat(text);
    case 'boolean':
      // No trimming: Python compares the raw text with "0" and "1".
      if (text === '0') return false;
      if (text === '1') return true;
      throw new XmlRpcParseError('builtins.TypeError', 'bad boolean value');
    case 'string':
      return text;
    case 'nil':
      return null;
    case 'base64':
      return decodeBase64(text);
    case 'dateTime.iso8601':
      return decodeDateTime(text);
  }
}

// `datetime.strptime(text, "%Y%m%dT%H:%M:%S")`: these are _strptime's own sub-patterns, and like
// Python we match from the start (first match wins) and then demand that nothing is left over.
const STRPTIME_PATTERN =
  /^(\d\d\d\d)(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])T(2[0-3]|[01]\d|\d):([0-5]\d|\d):(6[01]|[0-5]\d|\d)/i;

function decodeDateTime(text: string): string {
  const match = STRPTIME_PATTERN.exec(text);
  if (!match) {
    throw new XmlRpcParseError('builtins.ValueError', `time data ${pythonStringRepr(text)} does not match format '%Y%m%dT%H:%M:%S'`);
  }
  if (match[0].length !== text.length) {
    throw new XmlRpcParseError('builtins.ValueError', `unconverted data remains: ${text.slice(match[0].length)}`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part.trim())) as [
    number, number, number, number, number, number,
  ];
  if (year < 1) throw new XmlRpcParseError('builtins.ValueError', `year ${year} is out of range`);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (day > daysInMonth) throw new XmlRpcParseError('builtins.ValueError', 'day is out of range for month');
  if (second > 59) throw new XmlRpcParseError('builtins.ValueError', 'second must be in 0..59');
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * `base64.decodebytes(text.encode("ascii"))`: non-alphabet characters (line breaks above all) are
 * skipped; a payload that cannot be complete is an error.
 */
function decodeBase64(text: string): XmlRpcBinary {
  if (/[^\x00-\x7f]/.test(text)) {
    throw new XmlRpcParseError('builtins.UnicodeEncodeError', "'ascii' codec can't encode characters: ordinal not in range(128)");
  }
  const alphabetOnly = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const firstPad = alphabetOnly.indexOf('=');
  const data = firstPad === -1 ? alphabetOnly : alphabetOnly.slice(0, firstPad);
  const remainder = data.length % 4;
  if (remainder === 1) {
    throw new XmlRpcParseError(
      'binascii.Error',
      `Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`,
    );
  }
  const padsNeeded = remainder === 0 ? 0 : 4 - remainder;
  const padsGiven = firstPad === -1 ? 0 : /^=*/.exec(alphabetOnly.slice(firstPad))![0].length;
  if (padsGiven < padsNeeded) throw new XmlRpcParseError('binascii.Error', 'Incorrect padding');
  return new XmlRpcBinary(data + '='.repeat(padsNeeded));
}
