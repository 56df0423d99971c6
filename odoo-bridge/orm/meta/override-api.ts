import { pythonMethod } from '../dispatch/python-methods.ts';
import type { Signature } from '../dispatch/signature.ts';
import type { MethodSpec } from '../methods/method.ts';

/**
 * odoo/api.py `call_kw` reads `_api` from the method the model's class resolves to, not from
 * BaseModel's: an override written without `@api.model` (product.template, account.move.line,
 * account.bank.statement.line, res.partner.bank, resource.calendar.leaves `default_get`;
 * account.move(.line) `check_field_access_rights`) is a records method, so `args[0]` is taken as
 * the ids and the rest is bound to the override (a client's `default_get([fields])` is then
 * Python's TypeError "ProductTemplate.default_get() missing 1 required positional argument").
 * The engine answers the method natively with BaseModel's behaviour once bound: the overrides
 * above ignore the records they get.
 */
export function overrideBinding(spec: MethodSpec, model: string, method: string, installed: ReadonlySet<string>): Binding {
  if (spec.api !== 'model') return spec;
  const key = `${model}\u0000${method}`;
  let found = cache.get(spec)?.get(key);
  if (!found) {
    found = resolve(spec, model, method);
    (cache.get(spec) ?? cache.set(spec, new Map()).get(spec)!).set(key, found);
  }
  // The override belongs to its module (res.partner.bank's is account's): without it, BaseModel's method is called.
  return found.module && installed.has(found.module) ? found.binding : spec;
}

type Binding = { readonly api: 'model' | 'records'; readonly signature: Signature };
/** Per native spec (the engine's tables outlive calls), per model and method: resolved once, calls are hot. */
const cache = new WeakMap<MethodSpec, Map<string, { binding: Binding; module?: string }>>();

function resolve(spec: MethodSpec, model: string, method: string): { binding: Binding; module?: string } {
  const python = pythonMethod(model, method);
  if (python?.api !== 'records' || python.definedOn === 'base') return { binding: spec };
  // Bound by the override's parameter names; the native spec reads the same names (checked above by position).
  const sameNames = python.signature.params.every((p, i) => spec.signature.params[i]?.name === p.name);
  const signature = sameNames ? python.signature : { ...spec.signature, qualname: python.signature.qualname };
  return { binding: { api: 'records', signature }, module: python.doc.introduced.module };
}
