import type { SearchEnv, Sql } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Queryable } from '../sql/execute.ts';

/** What a read runs with: the connection, a compile environment, and the caller's read right on comodels. */
export interface ReadEnv {
  readonly db: Queryable;
  readonly search: SearchEnv;
  /**
   * The user's read right on a comodel (ir.model.access), checked before an x2many is read:
   * Odoo reads one by searching the comodel, and that search refuses a user without the
   * right. Absent for sudo reads.
   */
  readonly checkRead?: (model: ModelInfo) => void;
  /** The reader's right of another operation on a model (its ACL, then its rules), for computes such as `can_write`. Absent for sudo reads. */
  readonly rightOf?: OperationRight;
}

/** `mode` on `model` for the reader: whether the ACL grants it, and the rules' domain the records must match (null: none). */
export type OperationRight = (model: ModelInfo, mode: 'write' | 'create' | 'unlink') => { granted: boolean; ruleDomain: readonly unknown[] | null };

export interface ReadOptions {
  /** `'_classic_read'`: many2one as `[id, name]`; anything else: the bare id. */
  load: string | null;
  /** context.bin_size: binaries as human sizes. */
  binSize: boolean;
  /** Directory of the Odoo filestore of this database (`<2 hex>/<sha1>` files), if available. */
  filestore: string | null;
}

declare const readable: unique symbol;
declare const ruled: unique symbol;

/**
 * Ids of one model that the calling user may read: they passed the model's read right and the
 * user's read rules. Only two things produce them — the rule check of `read`
 * (methods/checked-read.ts) and a search compiled with the user's rules (methods/search-source.ts)
 * — so the record reader cannot be handed ids nobody checked. Every place that vouches for ids
 * is listed in test/odoo-bridge/orm/access/read-paths.test.ts.
 */
export type ReadableIds = readonly number[] & { readonly [readable]: true };

/** Vouches that `ids` passed the read check. Call only where that is true (see ReadableIds). */
export function vouchReadable(ids: readonly number[]): ReadableIds {
  return ids as ReadableIds;
}

/**
 * A search compiled with the user's rules, as one statement's parts. Branded like ReadableIds:
 * only `searchSource` (methods/search-source.ts) builds one, so a WHERE without the rules
 * cannot be passed to the reader.
 */
export type SearchRowSource = {
  readonly kind: 'search';
  readonly alias: string;
  readonly where: Sql;
  readonly joins: Sql[];
  readonly order: Sql[];
  readonly limit: number | null;
  readonly offset: number;
} & { readonly [ruled]: true };

/** Vouches that `parts` were compiled with the user's read rules. Call only where that is true. */
export function vouchRuled(parts: Omit<SearchRowSource, typeof ruled>): SearchRowSource {
  return parts as SearchRowSource;
}

/** Which rows to read: checked ids (result in that order, missing ids skipped) or a rule-filtered search. */
export type RowSource = { kind: 'ids'; ids: ReadableIds } | SearchRowSource;

/**
 * The same read as Odoo's `sudo()`: no access rights, record rules or field groups, the user kept
 * as `env.uid` (computes that depend on who reads still see them). Related fields are read so
 * (fields.py: `compute_sudo` defaults to True for related fields), display names too.
 */
export function sudoReadEnv(env: ReadEnv): ReadEnv {
  const { ruleDomain: _rules, viewer: _viewer, checkFieldRead: _fieldGroups, checkModelRead: _modelRights, ...search } = env.search;
  return { db: env.db, search };
}
