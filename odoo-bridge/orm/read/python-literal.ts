import { evaluatePythonExpression, UnsupportedRuleExpression, type PyValue } from '../access/python-expression.ts';

type Literal = null | boolean | number | string | Literal[] | { [key: string]: Literal };

/**
 * A stored Python literal (`repr` of a dict, list, string, number…, what `safe_eval` reads back
 * without names) as the wire value Odoo answers for it; a dict's keys must be strings (XML-RPC
 * structs and JSON objects have no other). undefined when the text is no such literal.
 */
export function pythonLiteralValue(text: string): Literal | undefined {
  let value: PyValue;
  try {
    value = evaluatePythonExpression(text, {});
  } catch (error) {
    if (error instanceof UnsupportedRuleExpression || error instanceof SyntaxError) return undefined;
    throw error;
  }
  return literal(value);
}

function literal(value: PyValue): Literal | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value.map(literal);
    return items.every((item) => item !== undefined) ? (items as Literal[]) : undefined;
  }
  const items = (value as unknown as { pythonDict?: PyValue[] }).pythonDict;
  if (!items) return undefined;
  const dict: { [key: string]: Literal } = {};
  for (let i = 0; i < items.length; i += 2) {
    const key = items[i];
    const item = literal(items[i + 1]!);
    if (typeof key !== 'string' || item === undefined) return undefined;
    dict[key] = item;
  }
  return dict;
}
