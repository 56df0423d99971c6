import type { RawBuilder } from 'kysely';
import type { SearchEnv } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { OperationRight } from './read-env.ts';

type Sql = RawBuilder<unknown>;

/** What a compute may depend on besides the row: the model read (mixin computes) and the reading user (`env.uid`). */
export interface ComputeScope {
  readonly model: string;
  readonly uid: number;
  /** The reading call's search environment (env.company for company-dependent values, the language). */
  readonly env: SearchEnv;
  /**
   * The reading user's read right on a model a compute searches as the user (ir.model.access):
   * Odoo's `search_count` / `_read_group` there raises AccessError without it. Absent for sudo reads.
   */
  readonly checkRead?: (model: ModelInfo) => void;
  /** The reader's write/create/unlink right on a model (`_filtered_access`); absent for sudo reads (everything granted). */
  readonly rightOf?: OperationRight;
}

export interface ComputedField {
  /** Stored fields of the same model the value is computed from. */
  readonly dependsOn: readonly string[];
  /**
   * A correlated SQL expression over the record's row (aliased `alias`), selected under the
   * field's name, for computes that aggregate other tables.
   */
  readonly select?: (alias: string, scope: ComputeScope) => Sql;
  /**
   * Every table `select` reads (the record's own table included when it reads it again). Declared
   * so that whoever must know what a read touches knows it from data: the migration runtime holds
   * a legacy read of a table a service now owns until the reverse sync has caught up
   * (migration/control/read-your-writes/). Every compute with a `select` declares it.
   */
  readonly readsTables?: readonly string[];
  compute(row: Record<string, unknown>): unknown;
  /** A many2one compute's comodel: its value is an id, answered as many2one values are (`[id, name]`). */
  readonly many2one?: string;
}
