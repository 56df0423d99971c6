import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { ReadEnv, ReadOptions } from './read-env.ts';
import { readAttachments } from './binary.ts';

const SIZES = new Set(['1920', '1024', '512', '256', '128']);

/**
 * product.product's `image_<size>` (product/models/product_product.py `_compute_image_1920` and
 * its 1024…128 siblings): not stored, `record.image_variant_<size> or record.product_tmpl_id.image_<size>`
 * — the variant's own picture, else its template's. Answers the size when `name` is one of them.
 */
export function variantImageSize(model: ModelInfo, name: string): string | null {
  if (model.name !== 'product.product') return null;
  const size = /^image_(\d+)$/.exec(name)?.[1];
  if (!size || !SIZES.has(size)) return null;
  const field = model.fields.get(name);
  const own = model.fields.get(`image_variant_${size}`);
  if (!field || field.store || field.related || !own?.attachment || model.fields.get('product_tmpl_id')?.relation !== 'product.template') return null;
  return size;
}

/** The values by variant id; `rows` carry each variant's `product_tmpl_id`. */
export async function variantImages(
  env: ReadEnv, model: ModelInfo, size: string, rows: readonly { id: number; product_tmpl_id?: unknown }[], options: ReadOptions,
): Promise<Map<number, unknown>> {
  const ids = rows.map((r) => r.id);
  const own = await readAttachments(env, model, model.fields.get(`image_variant_${size}`)!, ids, options);
  const template = env.search.registry.model('product.template');
  const templateField: FieldInfo | undefined = template?.fields.get(`image_${size}`);
  const templateIds = [...new Set(rows.map((r) => r.product_tmpl_id).filter((id): id is number => typeof id === 'number'))];
  const ofTemplates = template && templateField?.attachment && templateIds.length
    ? await readAttachments(env, template, templateField, templateIds, options)
    : new Map<number, unknown>();
  return new Map(rows.map((r) => [r.id, own.get(r.id) || (typeof r.product_tmpl_id === 'number' ? ofTemplates.get(r.product_tmpl_id) : undefined) || false]));
}
