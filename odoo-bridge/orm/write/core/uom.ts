import { validationError, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { updateRecords } from '../record-writes.ts';

/**
 * uom.uom's create/write overrides (addons/uom/models/uom_uom.py, 18.0):
 * - `factor_inv` (the "Bigger Ratio", computed from `factor`, no column) given to create or write
 *   becomes `factor = 1 / factor_inv`, or 0 for 0 — which then meets the `factor_gt_zero` CHECK
 *   ("The conversion ratio for a unit of measure cannot be 0!"), as in Odoo;
 * - after `super()`, `_check_category_reference_uniqueness`: each category of the records has
 *   exactly one reference unit once it has units (skipped by a write that makes a unit the
 *   reference, or with `allow_to_change_reference` in the context);
 * - `ratio` (non-stored compute: 1 for the reference, factor_inv for a bigger unit, factor for a
 *   smaller one) has the inverse `_set_ratio`, run inside `super()` after the stored values: it
 *   reads `self.ratio`, so a write on several units at once fails "Expected singleton" (create
 *   inverses non-stored fields record by record); a ratio of 0 is refused; else
 *   `factor` = 1 (reference), 1 / ratio (bigger) or ratio (smaller), with the unit type as just written.
 */
function factorFromInverse(vals: Vals): void {
  if (!('factor_inv' in vals)) return;
  const inverse = Number(vals.factor_inv) || 0;
  delete vals.factor_inv;
  vals.factor = inverse ? 1.0 / inverse : 0.0;
}

async function setRatio(ctx: CallContext, behaviours: BehaviourRegistry, ids: number[], ratio: unknown): Promise<void> {
  if (ids.length !== 1) throw valueError(`Expected singleton: uom.uom(${ids.join(', ')})`);
  const value = Number(ratio) || 0;
  if (value === 0) throw validationError('The value of ratio could not be Zero');
  const { rows } = await ctx.db.query<{ uom_type: string | null }>('SELECT uom_type FROM uom_uom WHERE id = $1', [ids[0]]);
  const type = rows[0]?.uom_type;
  const factor = type === 'reference' ? 1 : type === 'bigger' ? 1 / value : value;
  await updateRecords({ ctx, behaviours }, ctx.registry.model('uom.uom')!, ids, { factor });
}

async function checkCategoryReferenceUniqueness(ctx: CallContext, ids: number[]): Promise<void> {
  // read_group is the caller's (active units only); the categories are `self.category_id`, in their _order (name).
  const categories = await ctx.db.query<{ name: string | null; refs: number; units: number }>(
    `SELECT COALESCE(c.name->>$2, c.name->>'en_US') AS name,
            (SELECT count(*)::int FROM uom_uom u WHERE u.category_id = c.id AND u.active AND u.uom_type = 'reference') AS refs,
            (SELECT count(*)::int FROM uom_uom u WHERE u.category_id = c.id AND u.active) AS units
       FROM uom_category c WHERE c.id IN (SELECT category_id FROM uom_uom WHERE id = ANY($1::int4[]))
      ORDER BY COALESCE(c.name->>$2, c.name->>'en_US'), c.id`,
    [ids, ctx.lang],
  );
  for (const c of categories.rows) {
    if (c.refs > 1) throw validationError(`UoM category ${c.name ?? 'False'} should only have one reference unit of measure.`);
    if (c.refs === 0 && c.units > 0) throw validationError(`UoM category ${c.name ?? 'False'} should have a reference unit of measure.`);
  }
}

export function registerUom(behaviours: BehaviourRegistry): void {
  behaviours.register('uom.uom', {
    beforeCreate(_ctx, valsList) {
      valsList.forEach(factorFromInverse);
    },
    beforeWrite(_ctx, _ids, vals) {
      factorFromInverse(vals);
    },
    async afterCreate(ctx, ids, valsList) {
      for (const [i, id] of ids.entries()) if (valsList[i] && 'ratio' in valsList[i]!) await setRatio(ctx, behaviours, [id], valsList[i]!.ratio);
      await checkCategoryReferenceUniqueness(ctx, ids);
    },
    async afterWrite(ctx, ids, vals) {
      if ('ratio' in vals && ids.length) await setRatio(ctx, behaviours, ids, vals.ratio);
      if (vals.uom_type === 'reference' || ctx.context.allow_to_change_reference) return;
      await checkCategoryReferenceUniqueness(ctx, ids);
    },
  });
}
