import { typeError } from '../errors.ts';

/**
 * Binds positional and keyword arguments to a Python signature and raises Python's own
 * TypeError texts when they do not fit: clients see the same messages as from Odoo.
 *
 * `qualifiedName` is what Python prints (`BaseModel.search`, `exp_authenticate`); `self`
 * counts in Python's positional totals for methods, hence `countsSelf`.
 */
export interface PythonSignature {
  qualifiedName: string;
  params: readonly string[];
  /** Defaults for trailing parameters, by name. */
  defaults?: Readonly<Record<string, unknown>>;
  countsSelf?: boolean;
  /** Accepts any extra keyword (`**kwargs`). */
  varKeywords?: boolean;
}

export function bindArguments(
  signature: PythonSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const { qualifiedName, params, defaults = {}, countsSelf = false, varKeywords = false } = signature;
  const offset = countsSelf ? 1 : 0;
  if (args.length > params.length) {
    const required = params.filter((p) => !(p in defaults)).length;
    const range = required === params.length ? `${params.length + offset}` : `from ${required + offset} to ${params.length + offset}`;
    const word = required === params.length && params.length + offset === 1 ? 'argument' : 'arguments';
    throw typeError(`${qualifiedName}() takes ${range} positional ${word} but ${args.length + offset} were given`);
  }
  const bound: Record<string, unknown> = {};
  params.forEach((name, index) => {
    if (index < args.length) bound[name] = args[index];
  });
  for (const [name, value] of Object.entries(kwargs)) {
    if (params.includes(name)) {
      if (name in bound) throw typeError(`${qualifiedName}() got multiple values for argument '${name}'`);
      bound[name] = value;
    } else if (!varKeywords) {
      throw typeError(`${qualifiedName}() got an unexpected keyword argument '${name}'`);
    } else {
      bound[name] = value;
    }
  }
  const missing = params.filter((name) => !(name in bound) && !(name in defaults));
  if (missing.length) {
    const names = missing.map((n) => `'${n}'`);
    const list = names.length === 1 ? names[0] : names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')}, and ${names.at(-1)}`;
    throw typeError(`${qualifiedName}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  for (const [name, value] of Object.entries(defaults)) if (!(name in bound)) bound[name] = value;
  return bound;
}
