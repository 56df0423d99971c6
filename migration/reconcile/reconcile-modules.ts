import { loadModuleRegistry, type ModuleRegistry, type RegisteredModule } from '../modules/index.ts';
import type { BusinessRule } from './business-rules.ts';
import { runReconciliation, type TableJob } from './reconcile-run.ts';
import type { ReconcileReport } from './report-model.ts';
import { DatabasePools, tableJobsFor } from './targets.ts';
import type { LagOptions, NormalisationOptions, ReconcileProgress, ReconcileTuning } from './types.ts';

export interface ReconcileModulesOptions {
  /** The legacy database. */
  sourceUrl: string;
  /** One target database for every table; otherwise each module's service database (`svc_<service>`) next to `clusterUrl`. */
  targetUrl?: string;
  /** Any database URL of the cluster holding the service databases; defaults to the source's cluster. */
  clusterUrl?: string;
  /** Module codes or technical names, or `all`. Empty with `tables`: just those tables. */
  modules: string[] | 'all';
  tables?: string[];
  normalisation?: Partial<NormalisationOptions>;
  lag?: Partial<LagOptions>;
  tuning?: Partial<ReconcileTuning>;
  rules?: readonly BusinessRule[] | false;
  addonsPath?: string;
  onProgress?: (progress: ReconcileProgress) => void;
  /** Reuse (and keep open) these pools, e.g. to repair afterwards; otherwise they are closed at the end. */
  pools?: DatabasePools;
}

/** Everything `ficus reconcile` and the daily schedule do: registry → tables → run → report. */
export async function reconcileModules(options: ReconcileModulesOptions): Promise<ReconcileReport> {
  const pools = options.pools ?? new DatabasePools();
  try {
    const source = pools.handle(options.sourceUrl);
    const { registry, modules } = await chooseModules(source.pool, options);
    const jobs: TableJob[] = modules.length
      ? tableJobsFor(modules, options.tables)
      : (options.tables ?? []).map((table) => {
          const code = registry?.moduleOfTable(table)?.code;
          return code ? { table, module: code } : { table };
        });
    if (!jobs.length) throw new ReconcileUsageError('nothing to compare: name modules, --all, or --tables');
    const targetFor = pools.targetResolver(registry, {
      ...(options.targetUrl ? { targetUrl: options.targetUrl } : {}),
      clusterUrl: options.clusterUrl ?? options.sourceUrl,
    });
    for (const job of jobs) {
      if (!targetFor(job.table)) throw new ReconcileUsageError(`no target for table ${job.table}: it belongs to no module; pass --target`);
    }
    return await runReconciliation({
      tables: jobs,
      source,
      targetFor,
      modules: modules.map((m) => ({ code: m.code, technicalName: m.technicalName, service: m.service })),
      ...(options.normalisation ? { normalisation: options.normalisation } : {}),
      ...(options.lag ? { lag: options.lag } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(options.rules !== undefined ? { rules: options.rules } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    if (!options.pools) await pools.closeAll();
  }
}

async function chooseModules(
  source: import('pg').Pool,
  options: ReconcileModulesOptions,
): Promise<{ registry: ModuleRegistry | undefined; modules: RegisteredModule[] }> {
  const wantsModules = options.modules === 'all' || options.modules.length > 0;
  let registry: ModuleRegistry | undefined;
  try {
    registry = await loadModuleRegistry(source, options.addonsPath ? { addonsPath: options.addonsPath } : {});
  } catch (error) {
    // Not an Odoo database: fine for plain `--tables` comparisons, fatal when modules were asked for.
    if (wantsModules) throw error;
    return { registry: undefined, modules: [] };
  }
  if (options.modules === 'all') return { registry, modules: registry.modules.filter((m) => m.installed) };
  return { registry, modules: options.modules.map((m) => registry.get(m)) };
}

/** A request that cannot be run as given (exit code 2). */
export class ReconcileUsageError extends Error {
  override name = 'ReconcileUsageError';
}
