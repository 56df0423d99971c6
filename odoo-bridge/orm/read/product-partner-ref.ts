import { missingBehaviour } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';

/**
 * product.product `partner_ref` (product/models/product_product.py 18 `_compute_partner_ref`,
 * depends_context partner_id): for the context's partner, its vendor line's product name with
 * the code; without a partner in the context no vendor line matches, and the value is the
 * product's `display_name` (read-records.ts reads it so).
 */
export function isPartnerRef(model: ModelInfo, name: string): boolean {
  return model.name === 'product.product' && name === 'partner_ref';
}

/**
 * The contexts where partner_ref is not the display name Ficus computes: a `partner_id` (its
 * vendor lines rename the product, in partner_ref and in display_name) and a false
 * `display_default_code` (display_name drops the code). Refused, not answered differently.
 */
export function refusePartnerRefContext(context: Readonly<Record<string, unknown>> | undefined): void {
  if (context?.partner_id) throw missingBehaviour('product.product', 'the computed field partner_ref with partner_id in the context (vendor lines name the product)');
  if (context && 'display_default_code' in context && !context.display_default_code) {
    throw missingBehaviour('product.product', 'the computed field partner_ref with display_default_code false in the context');
  }
}
