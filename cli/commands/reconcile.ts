import { writeFile } from 'node:fs/promises';
import { embeddedUrl } from '../../runtime/embedded-postgres.ts';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../../runtime/config.ts';
import {
  applyRepair,
  applyRuleRepairs,
  describeRuleRepairPlan,
  planRuleRepairs,
  ruleRepairSides,
  DatabasePools,
  describeRepairPlan,
  ensureReconcileRunsTable,
  exitCodeOf,
  planRepair,
  reconcileModules,
  reconcileProgressReporter,
  renderReport,
  REPORT_FORMATS,
  storeReconcileRun,
  type ReconcileModulesOptions,
  type ReconcileReport,
  type ReportFormat,
} from '../../migration/reconcile/index.ts';
import { databaseUrlOn } from '../../migration/reconcile/targets.ts';
import type { RenderContext } from '../../migration/reconcile/report/index.ts';
import { standingFromControl } from '../../migration/reconcile/module-standing.ts';
import { CONTROL_DATABASE } from '../../runtime/embedded-runner.ts';
import { describeDatabases } from '../databases-used.ts';
import { embeddedClusterForCommand } from '../embedded-cluster-for-cli.ts';

interface ReconcileCliOptions {
  all?: boolean;
  tables?: string[];
  source?: string;
  target?: string;
  format: ReportFormat;
  out?: string;
  repair?: boolean;
  apply?: boolean;
  lagWindowMs: number;
  timestampPrecision: 'second' | 'millisecond' | 'microsecond';
  numericScale?: number;
  nullEqualsEmpty?: string[];
  ignoreColumns?: string[];
  chunkRows?: number;
  leafRows?: number;
  rules: boolean;
  controlUrl?: string;
  serviceUrl?: string[];
}

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const collect = (value: string, previous: string[] = []) => [...previous, value];
const whole = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number');
  return Number(value);
};

/**
 * `ficus reconcile`: compare modules' tables between the legacy database and the service
 * databases. Exit 0 when clean (or when nothing has a service copy to compare: the report says
 * why), 1 when differences or rule breaches remain, 2 when the command cannot run as asked (bad
 * arguments, unknown module, a database it cannot reach) — never 2 for what the data holds.
 */
export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('compare the tables of modules between the legacy database and the service databases, row by row, and check business rules')
    .argument('[modules...]', 'module codes (M04) or technical names (hp_marketplace)')
    .option('--all', 'every installed module')
    .option('--tables <tables>', 'only these tables (comma-separated); alone, compares exactly these tables', list)
    .option('--source <url>', 'legacy database (default: the embedded legacy database, or LEGACY_DATABASE_URL)')
    .option('--target <url>', "one target database for every table, compared as named (default: each module's service database svc_<service> in the embedded cluster, if it holds a copy of the module)")
    .option('--service-url <service=url>', 'database of a service (default: svc_<service> next to the legacy database); repeatable', collect)
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('table'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--repair', 'print what would be re-synced from the current owner of each table')
    .option('--apply', 'with --repair: re-sync in batches, then reconcile again')
    .option('--lag-window-ms <ms>', 're-check rows written within this window after it has passed, instead of reporting them', whole, 0)
    .addOption(new Option('--timestamp-precision <p>', 'precision timestamps are compared at').choices(['second', 'millisecond', 'microsecond']).default('millisecond'))
    .option('--numeric-scale <n>', 'round numbers to n decimals on both sides before comparing', whole)
    .option('--null-equals-empty <columns>', "columns (table.column, column or *) where NULL equals ''", list)
    .option('--ignore-columns <columns>', 'columns (table.column or column) left out of the comparison', list)
    .option('--chunk-rows <n>', 'rows per first-level checksum chunk', whole)
    .option('--leaf-rows <n>', 'differing ranges of at most n rows are compared row by row', whole)
    .option('--no-rules', 'skip the business-rule checks')
    .option('--control-url <url>', `migration control database: module phases are read from it (default: ${CONTROL_DATABASE} in the embedded cluster), and the run is stored in its ficus_control.reconcile_runs when given`)
    .action(async (modules: string[], options: ReconcileCliOptions) => {
      try {
        const code = await runReconcileCommand(modules, options);
        // Importing embedded-postgres installs async-exit-hook, whose `beforeExit` handler exits
        // with 0 whatever process.exitCode says; so a non-zero verdict exits explicitly.
        if (code !== 0) await exitAfterFlush(code);
      } catch (error) {
        if (error instanceof CommanderError) throw error;
        console.error(`ficus reconcile: ${(error as Error).message ?? error}`);
        throw new CommanderError(2, 'ficus.reconcile', (error as Error).message ?? String(error));
      }
    });
}

async function runReconcileCommand(modules: string[], options: ReconcileCliOptions): Promise<number> {
  if (options.apply && !options.repair) throw new Error('--apply needs --repair');
  if (options.all && modules.length) throw new Error('name modules or use --all, not both');
  if (!options.all && !modules.length && !options.tables?.length) throw new Error('name modules (e.g. M04), use --all, or give --tables');

  const { sourceUrl, clusterUrl } = locateDatabases(options);
  // Reconciling needs PostgreSQL, not the gateway: without a running Ficus its cluster is started for the run.
  const stopCluster = options.source ? async () => undefined : await embeddedClusterForCommand(loadConfig());
  try {
    return await reconcileWith(modules, options, sourceUrl, clusterUrl);
  } finally {
    await stopCluster();
  }
}

async function reconcileWith(modules: string[], options: ReconcileCliOptions, sourceUrl: string, clusterUrl: string): Promise<number> {
  const serviceUrls = parseServiceUrls(options.serviceUrl ?? []);
  const controlUrl = options.controlUrl ?? databaseUrlOn(clusterUrl, CONTROL_DATABASE);
  process.stderr.write(describeDatabases({
    legacy: sourceUrl,
    ...(options.target ? { target: options.target } : { services: databaseUrlOn(clusterUrl, 'svc_*'), control: controlUrl }),
  }));
  const context: RenderContext = { rulesDisabled: !options.rules };
  const control = new pg.Pool({ connectionString: controlUrl, max: 2, application_name: 'ficus-reconcile' });
  control.on('error', () => undefined);
  const pools = new DatabasePools();
  const progress = reconcileProgressReporter();
  const request: ReconcileModulesOptions = {
    sourceUrl,
    ...(options.target ? { targetUrl: options.target } : {}),
    clusterUrl,
    serviceUrlFor: (service) => serviceUrls[service],
    standing: standingFromControl(control),
    modules: options.all ? 'all' : modules,
    ...(options.tables ? { tables: options.tables } : {}),
    normalisation: {
      timestampPrecision: options.timestampPrecision,
      numericScale: options.numericScale ?? null,
      nullEqualsEmpty: options.nullEqualsEmpty ?? [],
      ignoreColumns: options.ignoreColumns ?? [],
    },
    lag: { lagWindowMs: options.lagWindowMs },
    tuning: { ...(options.chunkRows ? { chunkRows: options.chunkRows } : {}), ...(options.leafRows ? { leafRows: options.leafRows } : {}) },
    ...(options.rules ? {} : { rules: false as const }),
    onProgress: (p) => progress.onProgress(p),
    pools,
  };
  try {
    let report: ReconcileReport;
    try {
      report = await reconcileModules(request);
    } finally {
      progress.stop();
    }
    if (options.repair) {
      // Rule breaches first, each written on its table's system of record (the points award on the
      // ledger's owner, ...); the copies of what they wrote are then re-synced with the tables below.
      const ruleSides = ruleRepairSides({ ...request, pools });
      const rulePlan = await planRuleRepairs(report, ruleSides.ownerOf);
      process.stdout.write(describeRuleRepairPlan(rulePlan));
      if (options.apply && rulePlan.steps.length) {
        for (const r of await applyRuleRepairs(rulePlan, ruleSides.pools)) process.stdout.write(`${r.failed ? `not repaired — ${r.failed}` : r.written ? 'repaired' : 'already mended'} (${r.rule}, ${r.table}): ${r.detail}\n`);
        report = await reconcileModules(request);
      }
      // Each table is repaired from its module's system of record: legacy until cutover, the service after.
      const owners = new Map((report.scope ?? []).map((m) => [m.code, m.systemOfRecord]));
      const plan = await planRepair(report, (table) => owners.get(report.tables.find((t) => t.table === table)?.module ?? '') ?? 'legacy');
      process.stdout.write(`repair plan (owner → other side):\n${describeRepairPlan(plan)}`);
      if (options.apply) {
        const applied = await applyRepair(plan, {
          source: () => pools.handle(sourceUrl).pool,
          target: (table) => pools.handle(targetUrlFor(report, table, clusterUrl, options.target, serviceUrls)).pool,
        });
        for (const r of applied) process.stdout.write(`re-synced ${r.table}: ${r.upserted} upserted, ${r.removed} deleted\n`);
        report = await reconcileModules(request);
        process.stdout.write(`after repair: ${report.status}\n`);
      }
    }
    await output(report, options, context);
    if (options.controlUrl) await storeRun(options.controlUrl, report);
    return exitCodeOf(report);
  } finally {
    await Promise.all([pools.closeAll(), control.end()]);
  }
}

/** `--service-url trade=postgres://…`, repeatable. */
function parseServiceUrls(entries: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at < 1) throw new InvalidArgumentError(`--service-url wants service=url, got ${entry}`);
    urls[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return urls;
}

async function exitAfterFlush(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

/** The target database of a table in a finished report: the one the report compared it with. */
function targetUrlFor(report: ReconcileReport, table: string, clusterUrl: string, targetUrl: string | undefined, serviceUrls: Record<string, string>): string {
  if (targetUrl) return targetUrl;
  const module = report.tables.find((t) => t.table === table)?.module;
  const service = report.modules.find((m) => m.code === module)?.service;
  if (service && serviceUrls[service]) return serviceUrls[service];
  const label = report.tables.find((t) => t.table === table)?.targetLabel;
  const database = label?.split('/').pop();
  if (!database) throw new Error(`no target database known for ${table}`);
  return databaseUrlOn(clusterUrl, decodeURIComponent(database));
}

/**
 * The legacy database and the cluster of the service databases. Without --source the
 * configuration decides (LEGACY_DATABASE_URL, else the embedded legacy database) and the
 * service databases live in the embedded cluster; with --source they live next to it (the
 * embedded cluster is not started for a run given its own source).
 */
function locateDatabases(options: ReconcileCliOptions): { sourceUrl: string; clusterUrl: string } {
  if (options.source) return { sourceUrl: options.source, clusterUrl: options.source };
  const config = loadConfig();
  const cluster = embeddedUrl(config.postgresPort, 'postgres');
  const sourceUrl = options.source ?? config.legacyDatabaseUrl ?? embeddedUrl(config.postgresPort, config.legacyDatabaseName);
  return { sourceUrl, clusterUrl: cluster };
}


async function output(report: ReconcileReport, options: ReconcileCliOptions, context: RenderContext): Promise<void> {
  const text = renderReport(report, options.format, context);
  if (options.out) {
    await writeFile(options.out, text);
    process.stderr.write(`report written to ${options.out} (${report.status})\n`);
  } else {
    process.stdout.write(text);
  }
}

async function storeRun(controlUrl: string, report: ReconcileReport): Promise<void> {
  const client = new pg.Client({ connectionString: controlUrl, application_name: 'ficus-reconcile' });
  await client.connect();
  try {
    await ensureReconcileRunsTable(client);
    await storeReconcileRun(client, report);
  } finally {
    await client.end();
  }
}
