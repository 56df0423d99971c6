import { pythonMethod } from '../dispatch/python-methods.ts';
import { bindArguments, type Bound, type Signature } from '../dispatch/signature.ts';
import type { MethodSpec } from '../methods/method.ts';

/**
 * odoo/api.py `call_kw` calls the method the model's class resolves to, not BaseModel's: its
 * `_api` and its parameters are the ones a call is bound to. An override written without
 * `@api.model` (product.template, account.move.line, account.bank.statement.line,
 * res.partner.bank, resource.calendar.leaves `default_get`; account.move(.line)
 * `check_field_access_rights`) is a records method, so `args[0]` is taken as the ids (a client's
 * `default_get([fields])` is then "ProductTemplate.default_get() missing 1 required positional
 * argument"); an override names its parameters its own way (res.partner
 * `default_get(default_fields)`, crm.team `write(values)`: a keyword argument under BaseModel's
 * name is an unexpected keyword) and Python's TypeError texts name its class (`UsersView.onchange()`).
 * The engine then answers the native method with what was bound, by position. An override taking
 * `*args`/`**kwargs` passes them on to BaseModel's method, whose binding stays.
 */
export interface OverrideBinding {
  readonly api: 'model' | 'records';
  readonly signature: Signature;
  /** The native spec's parameter names, by position, when the override names them otherwise. */
  readonly rename?: readonly string[];
}

export function overrideBinding(spec: MethodSpec, model: string, method: string, installed: ReadonlySet<string>): OverrideBinding {
  const key = `${model}\u0000${method}`;
  let found = cache.get(spec)?.get(key);
  if (!found) {
    found = resolve(spec, model, method);
    (cache.get(spec) ?? cache.set(spec, new Map()).get(spec)!).set(key, found);
  }
  // The override belongs to its module (res.partner.bank's is account's): without it, BaseModel's method is called.
  return found.module && installed.has(found.module) ? found.binding : spec;
}

/** `bindArguments` with the override's signature, the values then named as the native spec names them. */
export function bindOverride(binding: OverrideBinding, args: readonly unknown[], kwargs: Record<string, unknown>): Bound {
  const bound = bindArguments(binding.signature, args, kwargs);
  if (!binding.rename) return bound;
  const renamed: Bound = {};
  binding.signature.params.forEach((p, i) => {
    if (p.name in bound) renamed[binding.rename![i]!] = bound[p.name];
  });
  return renamed;
}

/** Per native spec (the engine's tables outlive calls), per model and method: resolved once, calls are hot. */
const cache = new WeakMap<MethodSpec, Map<string, { binding: OverrideBinding; module?: string }>>();

function resolve(spec: MethodSpec, model: string, method: string): { binding: OverrideBinding; module?: string } {
  const python = pythonMethod(model, method);
  if (!python || python.definedOn === 'base') return { binding: spec };
  const own = python.signature;
  if (own.varArgs || own.varKeywords || own.keywordOnly?.length || spec.signature.varArgs || spec.signature.varKeywords || spec.signature.keywordOnly?.length) {
    return python.api === spec.api ? { binding: spec } : { binding: { api: python.api, signature: spec.signature }, module: python.doc.introduced.module };
  }
  const native = spec.signature.params.map((p) => p.name);
  const sameNames = own.params.length === native.length && own.params.every((p, i) => p.name === native[i]);
  if (!sameNames && own.params.length !== native.length) {
    return python.api === spec.api ? { binding: spec } : { binding: { api: python.api, signature: { ...spec.signature, qualname: own.qualname } }, module: python.doc.introduced.module };
  }
  return { binding: { api: python.api, signature: own, ...(sameNames ? {} : { rename: native }) }, module: python.doc.introduced.module };
}
