import { sql } from 'kysely';
import type { ModelInfo } from '../registry/types.ts';
import { nextAlias, type SearchEnv, type Sql } from './search-env.ts';

export const ATTACHMENT_MODEL = 'ir.attachment';

/**
 * ir.attachment `_search` (base/models/ir_attachment.py, 18): unless the domain names `id` or
 * `res_field`, attachments of binary fields (avatars, images) are left out.
 */
export function withAttachmentFieldDefault<Item>(items: Item[]): Item[] {
  const named = items.some((item) => Array.isArray(item) && (item[0] === 'id' || item[0] === 'res_field'));
  return named ? items : [['res_field', '=', false] as Item, ...items];
}

/**
 * The rest of ir.attachment's `_search` for a user (not the superuser): an attachment is found
 * when it is public, when it is attached to no record and the user created it (or is a system
 * user), or when the record it is attached to is one the user may read — the model's read right
 * and the user's read rules on it, as `ResModel.search([('id', 'in', ids)])` does. Attachments
 * of models unknown to the registry stay visible, as in Odoo.
 */
export function attachmentAccessSql(env: SearchEnv, alias: string, compileRules: (model: ModelInfo, alias: string) => Sql): Sql {
  const viewer = env.viewer!;
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const branches: Sql[] = [];
  const known: string[] = [];
  for (const model of env.registry.models.values()) {
    known.push(model.name);
    if (!model.table || model.name === ATTACHMENT_MODEL || !viewer.canRead(model)) continue;
    const target = nextAlias(env, model);
    branches.push(sql`WHEN ${model.name}::text THEN EXISTS (SELECT 1 FROM ${sql.table(model.table)} AS ${sql.table(target)}
      WHERE ${sql.ref(`${target}.id`)} = ${col('res_id')} AND ${compileRules(model, target)})`);
  }
  const linked = branches.length
    ? sql`CASE ${col('res_model')} ${sql.join(branches, sql` `)} ELSE ${col('res_model')} <> ALL(${known}::text[]) END`
    : sql`${col('res_model')} <> ALL(${known}::text[])`;
  return sql`(${col('public')} IS TRUE
    OR (COALESCE(${col('res_id')}, 0) = 0 AND (${viewer.isSystem} OR ${col('create_uid')} = ${viewer.uid}))
    OR (${col('res_model')} IS NOT NULL AND COALESCE(${col('res_id')}, 0) <> 0 AND ${linked}))`;
}
