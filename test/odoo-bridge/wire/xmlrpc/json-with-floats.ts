import { PythonFloat } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

/**
 * JSON.parse that keeps what Python's json.dumps wrote: a number with a fraction or exponent is a
 * Python float (`PythonFloat`), and objects become Maps so key order survives exactly (a plain JS
 * object would list integer-like keys first).
 */
export function parseJsonWithFloats(text: string): unknown {
  let position = 0;

  const skipWhitespace = () => {
    while (/[ \t\n\r]/.test(text[position] ?? '')) position += 1;
  };

  const parseValue = (): unknown => {
    skipWhitespace();
    const char = text[position];
    if (char === '{') {
      position += 1;
      const map = new Map<string, unknown>();
      skipWhitespace();
      if (text[position] === '}') { position += 1; return map; }
      for (;;) {
        skipWhitespace();
        const key = parseString();
        skipWhitespace();
        expect(':');
        map.set(key, parseValue());
        skipWhitespace();
        if (text[position] === ',') { position += 1; continue; }
        expect('}');
        return map;
      }
    }
    if (char === '[') {
      position += 1;
      const list: unknown[] = [];
      skipWhitespace();
      if (text[position] === ']') { position += 1; return list; }
      for (;;) {
        list.push(parseValue());
        skipWhitespace();
        if (text[position] === ',') { position += 1; continue; }
        expect(']');
        return list;
      }
    }
    if (char === '"') return parseString();
    for (const [literal, value] of [['true', true], ['false', false], ['null', null], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (text.startsWith(literal, position)) { position += literal.length; return typeof value === 'number' ? new PythonFloat(value) : value; }
    }
    const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(position, position + 400));
    if (!match) throw new Error(`bad JSON at ${position}`);
    position += match[0].length;
    return match[1] !== undefined || match[2] !== undefined ? new PythonFloat(Number(match[0])) : Number(match[0]);
  };

  const parseString = (): string => {
    const start = position;
    if (text[position] !== '"') throw new Error(`expected string at ${position}`);
    position += 1;
    while (text[position] !== '"') position += text[position] === '\\' ? 2 : 1;
    position += 1;
    return JSON.parse(text.slice(start, position)) as string;
  };

  const expect = (char: string) => {
    if (text[position] !== char) throw new Error(`expected ${char} at ${position}`);
    position += 1;
  };

  const value = parseValue();
  skipWhitespace();
  if (position !== text.length) throw new Error('trailing data');
  return value;
}
