import { sql } from 'kysely';
import { compileWhere } from '../domain/compile.ts';
import type { Sql } from '../domain/search-env.ts';
import type { ComputeScope } from './computed-field.ts';

/**
 * `_filtered_access('write')` / `has_access('write')` of the record read: the reader's write ACL, then
 * the write rules over the row (evaluated as superuser, archived records included). Sudo reads may write.
 */
export function writableByReader(scope: ComputeScope, modelName: string, alias: string): Sql {
  const model = scope.env.registry.model(modelName);
  const right = model ? scope.rightOf?.(model, 'write') : undefined;
  if (!model || !right) return sql`TRUE`;
  if (!right.granted) return sql`FALSE`;
  if (!right.ruleDomain) return sql`TRUE`;
  return sql`(${compileWhere(scope.env, model, right.ruleDomain, alias, { sudo: true, activeTest: false })})`;
}
