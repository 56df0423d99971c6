import { typeError } from '../../errors.ts';

/**
 * Python argument binding with CPython's TypeError texts, for ORM methods and the RPC
 * services' functions alike (clients see them: golden cases object.022/023, meta.054,
 * transport.021/022/024, common.021). Counts include `self` for methods, as Python's do.
 */
export interface Signature {
  /** `BaseModel.search` — the qualified name Python prints. */
  readonly qualname: string;
  readonly params: ReadonlyArray<{ readonly name: string; readonly default?: unknown }>;
  /** `**kwargs` accepted (e.g. `search_read(**read_kwargs)`). */
  readonly varKeywords?: boolean;
  /** `*args` accepted: extra positional arguments are kept in `__args__`. */
  readonly varArgs?: boolean;
  /** Parameters after `*` / `*args`: passed by keyword only. */
  readonly keywordOnly?: ReadonlyArray<{ readonly name: string; readonly default?: unknown }>;
  /** Plain functions (the RPC services' `exp_login`…) have no `self` in Python's counts. */
  readonly isFunction?: boolean;
}

export type Bound = Record<string, unknown> & { __extra__?: Record<string, unknown>; __args__?: unknown[] };

export function bindArguments(signature: Signature, args: readonly unknown[], kwargs: Record<string, unknown> = {}): Bound {
  const { qualname, params } = signature;
  const self = signature.isFunction ? 0 : 1;
  const required = params.filter((p) => !('default' in p)).length;
  if (args.length > params.length && !signature.varArgs) {
    const given = args.length + self;
    const takes = required === params.length ? `${params.length + self}` : `from ${required + self} to ${params.length + self}`;
    const plural = params.length + self === 1 && required === params.length ? 'argument' : 'arguments';
    throw typeError(`${qualname}() takes ${takes} positional ${plural} but ${given} ${given === 1 ? 'was' : 'were'} given`);
  }
  const bound: Bound = {};
  params.forEach((p, i) => {
    if (i < args.length) bound[p.name] = args[i];
  });
  const extra: Record<string, unknown> = {};
  const keywordOnly = signature.keywordOnly ?? [];
  for (const [key, value] of Object.entries(kwargs)) {
    const index = params.findIndex((p) => p.name === key);
    if (index < 0 && keywordOnly.some((p) => p.name === key)) {
      bound[key] = value;
      continue;
    }
    if (index < 0) {
      if (signature.varKeywords) {
        extra[key] = value;
        continue;
      }
      throw typeError(`${qualname}() got an unexpected keyword argument '${key}'`);
    }
    if (index < args.length) throw typeError(`${qualname}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = params.filter((p) => !('default' in p) && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missing.length) {
    throw typeError(`${qualname}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${pythonList(missing)}`);
  }
  const missingKeywords = keywordOnly.filter((p) => !('default' in p) && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missingKeywords.length) {
    throw typeError(`${qualname}() missing ${missingKeywords.length} required keyword-only argument${missingKeywords.length > 1 ? 's' : ''}: ${pythonList(missingKeywords)}`);
  }
  for (const p of [...params, ...keywordOnly]) if (!(p.name in bound)) bound[p.name] = p.default;
  if (Object.keys(extra).length) bound.__extra__ = extra;
  if (signature.varArgs && args.length > params.length) bound.__args__ = args.slice(params.length);
  return bound;
}

/** CPython's list of missing names: `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`. */
function pythonList(names: string[]): string {
  return names.length === 1 ? names[0]! : names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')}, and ${names.at(-1)}`;
}
