import { missingBehaviour } from '../../errors.ts';
import type { MethodSpec } from '../methods/method.ts';
import { isKnownPythonModel, pythonMethod } from './python-methods.ts';

/**
 * A public Python method the engine has no implementation for. The call is bound with the
 * method's real signature first (odoo/api.py `call_kw` takes the ids off for record methods,
 * then Python binds the rest), so a wrong call gets Python's own TypeError and a right one the
 * clear missing-behaviour refusal. Unknown methods of a model whose sources were extracted do
 * not exist (`AttributeError`, as `call_kw` answers); for models outside the extracted sources,
 * `action_*`/`button_*` names are taken to be business methods, as before.
 */
export function missingBehaviourMethod(model: string, method: string): MethodSpec | undefined {
  const python = pythonMethod(model, method);
  if (python) return refusal(model, method, { api: python.api, signature: python.signature });
  if (isKnownPythonModel(model) || !/^(action|button)_/.test(method)) return undefined;
  return refusal(model, method, { api: 'records', signature: { qualname: `${model}.${method}`, params: [], varArgs: true, varKeywords: true } });
}

function refusal(model: string, method: string, shape: Pick<MethodSpec, 'api' | 'signature'>): MethodSpec {
  return {
    ...shape,
    async run() {
      throw missingBehaviour(model, `the business method ${method}()`);
    },
  };
}
