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
  /** Plain functions (the RPC services' `exp_login`…) have no `self` in Python's counts. */
  readonly isFunction?: boolean;
}

export type Bound = Record<string, unknown> & { __extra__?: Record<string, unknown> };

export function bindArguments(signature: Signature, args: readonly unknown[], kwargs: Record<string, unknown> = {}): Bound {
  const { qualname, params } = signature;
  const self = signature.isFunction ? 0 : 1;
  const required = params.filter((p) => !('default' in p)).length;
  if (args.length > params.length) {
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
  for (const [key, value] of Object.entries(kwargs)) {
    const index = params.findIndex((p) => p.name === key);
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
    const list = missing.length === 1 ? missing[0] : missing.length === 2 ? `${missing[0]} and ${missing[1]}` : `${missing.slice(0, -1).join(', ')}, and ${missing.at(-1)}`;
    throw typeError(`${qualname}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  for (const p of params) if (!(p.name in bound)) bound[p.name] = p.default;
  if (Object.keys(extra).length) bound.__extra__ = extra;
  return bound;
}
