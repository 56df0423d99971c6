import { validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';

/**
 * uom.uom's create/write overrides (addons/uom/models/uom_uom.py, 18.0):
 * - `factor_inv` (the "Bigger Ratio", computed from `factor`, no column) given to create or write
 *   becomes `factor = 1 / factor_inv`, or 0 for 0 — which then meets the `factor_gt_zero` CHECK
 *   ("The conversion ratio for a unit of measure cannot be 0!"), as in Odoo;
 * - after `super()`, `_check_category_reference_uniqueness`: each category of the records has
 *   exactly one reference unit once it has units (skipped by a write that makes a unit the
 *   reference, or with `allow_to_change_reference` in the context).
 */
function factorFromInverse(vals: Vals): void {
  if (!('factor_inv' in vals)) return;
  const inverse = Number(vals.factor_inv) || 0;
  delete vals.factor_inv;
  vals.factor = inverse ? 1.0 / inverse : 0.0;
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
    afterCreate: (ctx, ids) => checkCategoryReferenceUniqueness(ctx, ids),
    async afterWrite(ctx, ids, vals) {
      if (vals.uom_type === 'reference' || ctx.context.allow_to_change_reference) return;
      await checkCategoryReferenceUniqueness(ctx, ids);
    },
  });
}
