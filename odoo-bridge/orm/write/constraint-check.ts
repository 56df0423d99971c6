import type { CallContext } from '../call-context.ts';

/** A record's values as a constraint reads them: `id` and the stored fields the check names. */
export type ConstraintRow = Readonly<Record<string, unknown>> & { readonly id: number };

/**
 * The TypeScript side of one Python `@api.constrains` method, registered by its method name
 * (ModelBehaviour.checks); the generated facts (registry/python-constraints.ts) say which fields
 * trigger it. Two kinds, as the Python reads the records:
 * - `values`: only the records' own stored fields (`rec.reserved > rec.quantity`). Odoo's write
 *   runs it on the cache, before the new values are flushed, so its ValidationError answers even
 *   where a SQL CHECK or NOT NULL would refuse the same row; `rows` are the records with the
 *   written values over their current ones. On create it runs after the INSERT (Odoo's `_create`
 *   inserts first), on the rows as stored.
 * - `flushed`: the check searches or reads other records (`_has_cycle`, `search_count`), which
 *   flushes first in Odoo, so it runs after the SQL, in the call's transaction.
 */
export type ConstraintCheck =
  | { readonly reads: readonly string[]; values(ctx: CallContext, rows: readonly ConstraintRow[]): void | Promise<void> }
  | { flushed(ctx: CallContext, ids: number[]): void | Promise<void> };
