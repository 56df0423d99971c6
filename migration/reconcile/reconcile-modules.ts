import { loadModuleRegistry, type ModuleRegistry, type RegisteredModule } from '../modules/index.ts';
import { BUSINESS_RULES, type BusinessRule } from './business-rules.ts';
import { ruleSideUnavailable, surveyModuleCopies, type ModuleScope, type StandingLookup } from './module-copies.ts';
import { runReconciliation, type TableJob } from './reconcile-run.ts';
import type { ReconcileReport } from './report-model.ts';
import { rulesFor } from './rule-runner.ts';
import { databaseUrlOn, DatabasePools, serviceDatabaseName, tableJobsFor } from './targets.ts';
import type { LagOptions, NormalisationOptions, ReconcileProgress, ReconcileTuning } from './types.ts';
import type { ServiceName } from '../modules/module-map.ts';

export interface ReconcileModulesOptions {
  /** The legacy database. */
  sourceUrl: string;
  /**
   * One target database for every table: everything named is compared with it, as asked.
   * Otherwise each module is compared with its service's database, if it holds a copy of the
   * module (module-copies.ts), and the report says for every module what was compared or why not.
   */
  targetUrl?: string;
  /** Any database URL of the cluster holding the service databases; defaults to the source's cluster. */
  clusterUrl?: string;
  /** A service's database when it is not `svc_<service>` on the cluster of `clusterUrl`. */
  serviceUrlFor?: (service: string) => string | undefined;
  /** Each module's phase from the migration control database; without it no phase is known (taken as legacy). */
  standing?: StandingLookup;
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

/** Everything `ficus reconcile` and the daily schedule do: registry → which modules have a copy → tables → run → report. */
export async function reconcileModules(options: ReconcileModulesOptions): Promise<ReconcileReport> {
  const pools = options.pools ?? new DatabasePools();
  try {
    const source = pools.handle(options.sourceUrl);
    const { registry, modules } = await chooseModules(source.pool, options);
    const clusterUrl = options.clusterUrl ?? options.sourceUrl;
    const serviceUrl = (service: string) => options.serviceUrlFor?.(service) ?? databaseUrlOn(clusterUrl, serviceDatabaseName(service as ServiceName));
    if (registry && modules.length && !options.targetUrl) {
      return await reconcileModuleCopies(options, { pools, registry, modules, serviceUrl });
    }
    const jobs: TableJob[] = modules.length
      ? tableJobsFor(modules, options.tables)
      : (options.tables ?? []).map((table) => {
          const code = registry?.moduleOfTable(table)?.code;
          return code ? { table, module: code } : { table };
        });
    if (!jobs.length) throw new ReconcileUsageError('nothing to compare: name modules, --all, or --tables');
    const targetFor = pools.targetResolver(registry, { ...(options.targetUrl ? { targetUrl: options.targetUrl } : {}), clusterUrl, serviceUrl });
    for (const job of jobs) {
      if (!targetFor(job.table)) throw new ReconcileUsageError(`no target for table ${job.table}: it belongs to no module; pass --target`);
    }
    return await runReconciliation({
      tables: jobs,
      source,
      targetFor,
      modules: modules.map((m) => ({ code: m.code, technicalName: m.technicalName, service: m.service })),
      ...commonRunOptions(options),
    });
  } finally {
    if (!options.pools) await pools.closeAll();
  }
}

/**
 * Modules compared with their own service databases: only those with a service copy are
 * compared; the others are in the report's scope with the reason. Business rules whose tables
 * belong to a module with no copy skip that side with the reason, instead of reading its empty
 * (or absent) tables.
 */
async function reconcileModuleCopies(
  options: ReconcileModulesOptions,
  o: { pools: DatabasePools; registry: ModuleRegistry; modules: RegisteredModule[]; serviceUrl: (service: string) => string },
): Promise<ReconcileReport> {
  const survey = (list: readonly RegisteredModule[]) =>
    surveyModuleCopies(list, {
      standing: options.standing ?? (async () => null),
      serviceDatabase: (service) => {
        const handle = o.pools.handle(o.serviceUrl(service));
        return { db: handle.pool, label: handle.label };
      },
    });
  const scope = await survey(o.modules);
  const compared = o.modules.filter((m) => scope.find((s) => s.code === m.code)?.compared);
  const jobs = tableJobsFor(compared, options.tables);
  const targetFor = o.pools.targetResolver(o.registry, { clusterUrl: options.clusterUrl ?? options.sourceUrl, serviceUrl: o.serviceUrl });

  // The modules the rules reach beyond the compared ones (payments of M13 for a rule on M04's orders).
  const rules = options.rules === false ? [] : rulesFor(options.rules ?? BUSINESS_RULES, jobs.map((j) => j.table));
  const known = new Map<string, ModuleScope>(scope.map((s) => [s.code, s]));
  const reached = [...new Set(rules.flatMap((r) => r.tables).map((t) => o.registry.moduleOfTable(t)).filter((m): m is RegisteredModule => !!m && !known.has(m.code)))];
  for (const s of await survey(reached)) known.set(s.code, s);

  return runReconciliation({
    tables: jobs,
    source: o.pools.handle(options.sourceUrl),
    targetFor,
    modules: compared.map((m) => ({ code: m.code, technicalName: m.technicalName, service: m.service })),
    scope,
    targetUnavailable: (table) => ruleSideUnavailable(table, known.get(o.registry.moduleOfTable(table)?.code ?? '')),
    tableOwner: (table) => known.get(o.registry.moduleOfTable(table)?.code ?? '')?.systemOfRecord ?? 'legacy',
    ...commonRunOptions({ ...options, rules }),
  });
}

function commonRunOptions(options: ReconcileModulesOptions) {
  return {
    ...(options.normalisation ? { normalisation: options.normalisation } : {}),
    ...(options.lag ? { lag: options.lag } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.rules !== undefined ? { rules: options.rules } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
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
