import { OdooError } from '../../errors.ts';
import type { ComputeScope } from './computed-field.ts';

/**
 * The text of the AccessError the reader would get reading `modelName` (ir.model.access), null
 * when allowed or for sudo reads. Computes that go through another model as the user raise it
 * only for records that actually reach that model, so they carry it into SQL and decide per row.
 */
export function readDenial(scope: ComputeScope, modelName: string): string | null {
  const model = scope.env.registry.model(modelName);
  try {
    if (model) scope.checkRead?.(model);
    return null;
  } catch (error) {
    if (error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessError') return error.message;
    throw error;
  }
}
