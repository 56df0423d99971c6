import { sql } from 'kysely';
import { missingError } from '../../errors.ts';
import { run, type Queryable } from '../sql/execute.ts';
import type { SearchEnv } from './search-env.ts';

/**
 * child_of / parent_of on a `_parent_store` model read `rec.parent_path` of each given id
 * (odoo/osv/expression.py `child_of_domain`, `parent_of_domain`, as sudo): an id without a row is
 * fields.py's MissingError for the first such record, naming it and `env.uid`. The compiler
 * cannot await, so it collects those ids in `env.hierarchySeeds`; this runs before the statement.
 */
export async function assertHierarchySeedsExist(db: Queryable, env: SearchEnv): Promise<void> {
  for (const { model, ids } of env.hierarchySeeds ?? []) {
    const known = model.name === 'res.company' ? env.existingCompanyIds : undefined;
    // Known rows are found rows: leaving them out cannot change which id is the first missing.
    const asked = known ? ids.filter((id) => !known.has(id)) : ids;
    if (!asked.length || !model.table) continue;
    const rows = await run<{ id: number }>(db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${[...asked]}::int4[])`);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.find((id) => !found.has(id) && !known?.has(id));
    if (missing !== undefined) {
      throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing},), User: ${env.uid ?? 1})`);
    }
  }
}

const compiledBefore = new WeakMap<object, SearchEnv>();

/**
 * A domain's compile threw (a KeyError, a ValueError of another leaf): Odoo parses the leaves
 * last first and reads the parent_path of a child_of seed as it meets it, so the seeds noted
 * before the throw were read before that error: a missing one is Odoo's MissingError instead.
 * The compiler's caller hands the error here with its env, then awaits `assertSeedsBeforeError`.
 */
export function noteCompileError(error: unknown, env: SearchEnv): unknown {
  if (error && typeof error === 'object' && env.hierarchySeeds?.length) compiledBefore.set(error, env);
  return error;
}

/** The MissingError of a seed noted before `error` was thrown, if one is missing; else nothing. */
export async function assertSeedsBeforeError(db: Queryable, error: unknown): Promise<void> {
  const env = error && typeof error === 'object' ? compiledBefore.get(error) : undefined;
  if (env) await assertHierarchySeedsExist(db, env);
}
