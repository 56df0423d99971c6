import type { PendingTable } from './table-reconciler.ts';
import type { TableResult } from './types.ts';

/**
 * SQLSTATE classes that say the command could not run (no connection, no such database, wrong
 * password, server shutting down or out of resources, internal error): the run stops and
 * `ficus reconcile` exits 2. Any other database error is about this table's data or shape (a
 * value one side cannot hold, a column type the row hash cannot take): the table is reported
 * as not compared, with the reason, and the other tables are still compared.
 */
const RUN_STOPPING_CLASSES = new Set(['08', '28', '3D', '53', '57', '58', 'XX']);

export function isTableCondition(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  if (code === '42501') return false; // insufficient privilege: the role, not the data
  return !RUN_STOPPING_CLASSES.has(code.slice(0, 2));
}

/** A table that could not be compared: counted as a difference (it is not known to be equal). */
export function failedTable(job: { table: string; targetTable: string; module?: string; targetLabel: string }, error: unknown): PendingTable {
  const result: TableResult = {
    table: job.table,
    targetTable: job.targetTable,
    ...(job.module ? { module: job.module } : {}),
    targetLabel: job.targetLabel,
    status: 'failed',
    reason: `could not be compared: ${(error as Error).message}`,
    keyColumns: [],
    rowsSource: 0,
    rowsTarget: 0,
    keyRange: null,
    chunkSpan: 0,
    chunksCompared: 0,
    chunksDiffering: 0,
    bisectionLevels: 0,
    rowsFetched: 0,
    schema: { onlyInSource: [], onlyInTarget: [], comparedColumns: [] },
    differences: [],
    unsettled: [],
    timingsMs: { checksum: 0, bisect: 0, rows: 0, recheck: 0, total: 0 },
  };
  return { result, notes: [], readAt: Date.now(), deferred: 0, finish: async () => result };
}
