import { missingError, valueError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import { pythonDescriptionOf } from '../registry/python-field-description.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { ident, recordsetRepr, requireTable, type WriteEnv } from './write-env.ts';
import { pythonTruthy } from '../../wire/python-values.ts';

/**
 * `_add_missing_default_values` ends with each properties field's `_add_default_values`
 * (fields.py Properties): the container many2one of its `definition` ('categ_id' of
 * product.template's 'categ_id.product_properties_definition'), when set, must be an id
 * ("Wrong container value '3'" for anything else) of a record that exists (its definition is
 * read as superuser: MissingError for a deleted one). Runs before anything else of a create.
 */
export async function checkPropertiesContainers(w: WriteEnv, model: ModelInfo, vals: Vals): Promise<void> {
  for (const field of model.fields.values()) {
    if (field.type !== 'properties') continue;
    const definition = pythonDescriptionOf(w.ctx.registry, model.name, field.name)?.params.definition;
    if (typeof definition !== 'string' || !definition.includes('.')) continue;
    const containerField = model.fields.get(definition.split('.')[0]!);
    const container = containerField ? vals[containerField.name] : undefined;
    if (!containerField?.relation || !pythonTruthy(container)) continue;
    if (typeof container !== 'number' && typeof container !== 'boolean') throw valueError(`Wrong container value ${pyRepr(container)}`);
    if (!Number.isInteger(Number(container))) throw valueError(`Wrong container value ${pyRepr(container)}`);
    const comodel = w.ctx.registry.model(containerField.relation);
    if (!comodel?.table) continue;
    const id = Number(container);
    const found = await w.ctx.db.query(`SELECT 1 FROM ${ident(requireTable(comodel))} WHERE id = $1`, [id]);
    if (!found.rows.length) throw missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(comodel.name, [id])}, User: ${w.ctx.uid})`);
  }
}
