import type pg from 'pg';
import { BUSINESS_RULES, type BusinessRule } from './business-rules.ts';
import type { ModuleScope } from './module-copies.ts';
import { groupNormalisations, isClean, summarise, type ReconcileReport } from './report-model.ts';
import { rulesFor, runBusinessRules, type TableOwnerLookup } from './rule-runner.ts';
import { mapWithLimit } from './sql.ts';
import { checkServerVersion } from './table-introspection.ts';
import { failedTable, isTableCondition } from './table-failure.ts';
import { reconcileTable, type PendingTable } from './table-reconciler.ts';
import {
  DEFAULT_NORMALISATION,
  DEFAULT_TUNING,
  type LagOptions,
  type NormalisationOptions,
  type ReconcileProgress,
  type ReconcileTuning,
} from './types.ts';

export interface DatabaseHandle {
  pool: pg.Pool;
  /** Host, port and database: printed in reports, so never credentials. */
  label: string;
}

export interface TableJob {
  table: string;
  targetTable?: string;
  /** Code of the owning module, when the table belongs to one. */
  module?: string;
}

export interface ReconcileRunOptions {
  tables: TableJob[];
  source: DatabaseHandle;
  /** Where a table lives on the target side (also used for the tables business rules read). */
  targetFor(table: string): DatabaseHandle | undefined;
  modules?: ReconcileReport['modules'];
  /** Every module asked for, compared or not (reconcile-modules.ts), carried into the report. */
  scope?: ModuleScope[];
  /**
   * Why a table cannot be read on the target side for a business rule (its module has no service
   * copy yet); undefined when it can. Such a rule side is skipped with this reason.
   */
  targetUnavailable?: (table: string) => string | undefined;
  /** Each table's system of record (its module's phase): rules over tables of differently owned modules are also checked on the owners' rows. */
  tableOwner?: TableOwnerLookup;
  normalisation?: Partial<NormalisationOptions>;
  lag?: Partial<LagOptions>;
  tuning?: Partial<ReconcileTuning>;
  /** Rules to check; by default the built-in ones that concern the reconciled tables. `false`: none. */
  rules?: readonly BusinessRule[] | false;
  /** Tables compared at the same time. Default 2. */
  tableConcurrency?: number;
  onProgress?: (progress: ReconcileProgress) => void;
  /** Waits out the lag window; tests can pass a faster clock. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One reconciliation run: compares every table, waits once for the lag window if any
 * difference was still fresh, re-checks those keys, then checks the business rules.
 */
export async function runReconciliation(options: ReconcileRunOptions): Promise<ReconcileReport> {
  const started = new Date();
  const normalisation = { ...DEFAULT_NORMALISATION, ...options.normalisation };
  const lag: LagOptions = { lagWindowMs: 0, writeDateColumn: 'write_date', ...options.lag };
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  // Row hashing needs PostgreSQL 14+ on every side: fail before any work, with the side named.
  const targets = new Map(options.tables.flatMap((job) => {
    const t = options.targetFor(job.targetTable ?? job.table);
    return t ? [[t.pool, t.label] as const] : [];
  }));
  await Promise.all([
    checkServerVersion(options.source.pool, `source (${options.source.label})`),
    ...[...targets].map(([pool, label]) => checkServerVersion(pool, `target (${label})`)),
  ]);

  const pending = await mapWithLimit(options.tables, options.tableConcurrency ?? 2, async (job): Promise<PendingTable> => {
    const target = options.targetFor(job.targetTable ?? job.table);
    if (!target) throw new Error(`no target database for table ${job.table}`);
    const pair = {
      table: job.table,
      targetTable: job.targetTable ?? job.table,
      ...(job.module ? { module: job.module } : {}),
      source: options.source.pool,
      target: target.pool,
      targetLabel: target.label,
    };
    try {
      return guarded(pair, await reconcileTable(pair, { tuning, normalisation, lag, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }));
    } catch (error) {
      if (!isTableCondition(error)) throw error;
      return failedTable(pair, error);
    }
  });

  const waiting = pending.filter((p) => p.deferred > 0);
  if (waiting.length) {
    const wait = Math.max(...waiting.map((p) => p.readAt)) + lag.lagWindowMs - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const tables = [];
  for (const p of pending) tables.push(await p.finish());

  const reconciledTables = options.tables.map((t) => t.table);
  const rules = options.rules === false ? [] : rulesFor(options.rules ?? BUSINESS_RULES, reconciledTables);
  options.onProgress?.({ table: '(business rules)', phase: 'rules', done: 0, total: rules.length });
  const ruleResults = await runBusinessRules(
    rules,
    { source: () => options.source.pool, target: (table) => options.targetFor(table)?.pool },
    options.targetUnavailable ? { target: options.targetUnavailable } : {},
    options.tableOwner,
  );
  options.onProgress?.({ table: '(business rules)', phase: 'done', done: rules.length, total: rules.length });

  const summary = summarise(tables, ruleResults, options.scope);
  const finished = new Date();
  return {
    kind: 'ficus-reconcile-report',
    version: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    source: options.source.label,
    targets: [...new Set(tables.map((t) => t.targetLabel))],
    modules: options.modules ?? [],
    ...(options.scope ? { scope: options.scope } : {}),
    options: { normalisation, lag },
    normalisations: groupNormalisations(pending.flatMap((p) => p.notes), normalisation),
    tables,
    rules: ruleResults,
    summary,
    status: isClean(summary) ? 'clean' : 'differences',
  };
}

/** The re-check after the lag window may fail like the first pass: the same table condition, the same answer. */
function guarded(pair: Parameters<typeof failedTable>[0], pending: PendingTable): PendingTable {
  return {
    ...pending,
    finish: async () => {
      try {
        return await pending.finish();
      } catch (error) {
        if (!isTableCondition(error)) throw error;
        return failedTable(pair, error).result;
      }
    },
  };
}
