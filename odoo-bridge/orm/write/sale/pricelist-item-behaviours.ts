import { missingBehaviour, validationError } from '../../../errors.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';

/**
 * product.pricelist.item's create/write overrides and constraints (addons/product/models/
 * product_pricelist_item.py 18), so that rules of every kind can be made through Ficus:
 * - `create`: without `applied_on`, the rule applies to the variant, else the template, else the
 *   category given, else to everything; `create` and `write` with an `applied_on` clear the
 *   targets that kind does not use (a global rule keeps no product, template nor category…), so
 *   that later searches (`_get_applicable_rules_domain`) see consistent rules;
 * - `_check_product_consistency`: a category, template or variant rule names its target;
 * - `_check_margin`: the minimum margin is not above the maximum;
 * - `_check_date_range`: its message formats both dates in the user's language and time zone
 *   (babel), which Ficus does not do: a range ending before it starts is refused clearly.
 * (`_check_pricelist_recursion` is ../core/res-lang-pricelist.ts's.)
 */
const CLEARED_BY_KIND: Readonly<Record<string, readonly string[]>> = {
  '3_global': ['product_id', 'product_tmpl_id', 'categ_id'],
  '2_product_category': ['product_id', 'product_tmpl_id'],
  '1_product': ['product_id', 'categ_id'],
  '0_product_variant': ['categ_id'],
};

function clearUnusedTargets(vals: Vals): void {
  for (const field of CLEARED_BY_KIND[String(vals.applied_on)] ?? []) vals[field] = false;
}

const MISSING_TARGET: Readonly<Record<string, [string, string]>> = {
  '2_product_category': ['categ_id', 'Please specify the category for which this rule should be applied'],
  '1_product': ['product_tmpl_id', 'Please specify the product for which this rule should be applied'],
  '0_product_variant': ['product_id', 'Please specify the product variant for which this rule should be applied'],
};

/** A Datetime value as the check reads it (a Date, or Odoo's 'YYYY-MM-DD HH:MM:SS' in UTC), in milliseconds. */
function instant(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(`${String(value).replace(' ', 'T')}Z`);
}

export function registerPricelistItemBehaviours(behaviours: BehaviourRegistry): void {
  behaviours.register('product.pricelist.item', {
    // Odoo's override runs before `BaseModel.create` adds the defaults (applied_on's is '3_global').
    refuseCreate(_ctx, valsList) {
      for (const vals of valsList) {
        if (!vals.applied_on) {
          vals.applied_on = vals.product_id ? '0_product_variant' : vals.product_tmpl_id ? '1_product' : vals.categ_id ? '2_product_category' : '3_global';
        }
        clearUnusedTargets(vals);
      }
    },
    beforeWrite(_ctx, _ids, vals) {
      if (vals.applied_on) clearUnusedTargets(vals);
    },
    checks: {
      _check_product_consistency: {
        reads: ['applied_on', 'categ_id', 'product_tmpl_id', 'product_id'],
        values(_ctx, rows) {
          for (const item of rows) {
            const missing = MISSING_TARGET[String(item.applied_on)];
            if (missing && !item[missing[0]]) throw validationError(missing[1]);
          }
        },
      },
      _check_margin: {
        reads: ['price_min_margin', 'price_max_margin'],
        values(_ctx, rows) {
          if (rows.some((item) => Number(item.price_min_margin ?? 0) > Number(item.price_max_margin ?? 0))) {
            throw validationError('The minimum margin should be lower than the maximum margin.');
          }
        },
      },
      _check_date_range: {
        reads: ['date_start', 'date_end'],
        values(_ctx, rows) {
          for (const item of rows) {
            if (item.date_start && item.date_end && instant(item.date_start) >= instant(item.date_end)) {
              throw missingBehaviour('product.pricelist.item', "_check_date_range's message (both dates formatted in the user's language and time zone)");
            }
          }
        },
      },
    },
  });
}
