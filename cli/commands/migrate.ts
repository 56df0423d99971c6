import cliProgress from 'cli-progress';
import { embeddedUrl } from '../../runtime/embedded-postgres.ts';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../../runtime/config.ts';
import { GateRefusal, MigrationController, type StepOptions, type StepResult } from '../../migration/control/controller.ts';
import { embeddedEndpoints } from '../../migration/control/endpoints.ts';
import { renderOverview, renderPlan, renderStatus, renderStep } from '../../migration/control/status-text.ts';
import { statusOverview } from '../../migration/control/status-overview.ts';
import { deleteRulesView, renderDeleteRules } from '../../migration/control/sync/delete-rules-view.ts';
import { describeDatabases } from '../databases-used.ts';
import { embeddedClusterForCommand } from '../embedded-cluster-for-cli.ts';
import { CONTROL_DATABASE } from '../../runtime/embedded-runner.ts';

export interface MigrateCliOptions {
  controlUrl?: string;
  legacyUrl?: string;
  serviceUrl?: string[];
  addons?: string;
  actor?: string;
  force?: boolean;
  reason?: string;
  json?: boolean;
  maxLagBytes?: number;
  minMatchRate?: number;
  minSamples?: number;
  waitS?: number;
  stallAfter?: string;
}

const whole = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number');
  return Number(value);
};
const rate = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('a rate between 0 and 1');
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `ficus migrate status | plan | delete-rules <service> | backfill | shadow | canary <percent> | retire <module>` and
 * `ficus migrate cutover | rollback <module...>` (coupled modules change owner in one freeze). Exit codes: 0 done, 1 refused by a gate or failed, 2 bad usage.
 */
export function registerMigrate(program: Command): void {
  const migrate = program.command('migrate').description('move an Odoo module through legacy → shadow → canary → service → retired');
  const common = (cmd: Command) =>
    cmd
      .option('--control-url <url>', `control database (default: ${CONTROL_DATABASE} in the embedded cluster)`)
      .option('--legacy-url <url>', 'legacy database (default: LEGACY_DATABASE_URL or the embedded legacy database)')
      .option('--service-url <service=url>', 'database of a service (default: svc_<service> next to the legacy database); repeatable', collect)
      .option('--addons <path>', 'legacy addons sources (for the business-methods gate)')
      .option('--json', 'print the result as JSON');
  const stepOptions = (cmd: Command) =>
    common(cmd)
      .option('--actor <name>', 'who is doing this (default: FICUS_ACTOR or user@host)')
      .option('--force', 'go ahead although a gate fails (needs --reason; recorded)')
      .option('--reason <text>', 'why; recorded with the transition')
      .option('--max-lag-bytes <n>', 'CDC lag gate: largest WAL distance a sync may trail by', whole)
      .option('--min-match-rate <r>', 'shadow gate: required match rate 0..1', rate)
      .option('--min-samples <n>', 'shadow gate: compared reads needed at least', whole)
      .addOption(new Option('--stall-after <step>', 'test hook: pause a cutover after this step').hideHelp());

  common(migrate.command('status').argument('[module]', 'module code (M04) or addon; without it, a table of every module').description('without a module: where every module stands; with one: phase, sync, shadow comparison, cutovers and transitions')).action((m: string | undefined, o) =>
    runReadOnly(o, async (c) => {
      if (m === undefined) {
        const rows = await statusOverview(c);
        print(o, rows, renderOverview(rows));
        return 0;
      }
      const s = await c.status(m);
      print(o, s, renderStatus(s));
      return 0;
    }),
  );
  common(migrate.command('plan').argument('<module>').description('models, tables, references and business methods of a module')).action((m, o) =>
    runReadOnly(o, async (c) => {
      const p = await c.planReport(m);
      print(o, p, renderPlan(p));
      return 0;
    }),
  );
  common(migrate.command('delete-rules').argument('<service>', 'service name (content, trade, ...)').description("the monolith's foreign keys from the service's tables across its cut, and whether its database carries them")).action((service: string, o) =>
    runReadOnly(o, async (c) => {
      const view = await deleteRulesView(c.legacy, (name) => c.servicePool(name), service);
      print(o, view, renderDeleteRules(view));
      return view.rules.some((r) => r.carried === 'no') && view.provisioned ? 1 : 0;
    }),
  );
  stepOptions(migrate.command('backfill').argument('<module>').description('copy the module into its service (snapshot + forward sync); done by the running Ficus'))
    .option('--wait-s <s>', 'wait this long for the snapshot to finish (default 600)', whole)
    .action((m, o: MigrateCliOptions) =>
      run(o, async (c) => {
        const bar = progressBar();
        try {
          const r = await c.backfill(m, { ...stepOptionsOf(o), waitMs: (o.waitS ?? 600) * 1000, onProgress: bar.update });
          bar.stop();
          print(o, r, renderStep(r));
          return r.ok ? 0 : 1;
        } finally {
          bar.stop();
        }
      }),
    );
  for (const [name, description] of [
    ['cutover', 'make the service the system of record (writes held for a short freeze); coupled modules (M04 M20) are named together'],
    ['rollback', 'one step back (service → the phase before the cutover, canary → shadow, shadow → legacy); coupled modules are named together'],
  ] as const) {
    stepOptions(migrate.command(name).argument('<modules...>').description(description)).action((modules: string[], o: MigrateCliOptions) =>
      run(o, (c) => step(o, () => (modules.length === 1 ? c[name](modules[0]!, stepOptionsOf(o)) : c.together(name, modules, stepOptionsOf(o))))),
    );
  }
  for (const [name, description] of [
    ['shadow', 'legacy answers; the service answers reads too and they are compared'],
    ['retire', 'the legacy module is no longer used'],
  ] as const) {
    stepOptions(migrate.command(name).argument('<module>').description(description)).action((m, o: MigrateCliOptions) =>
      run(o, (c) => step(o, () => (c as unknown as Record<typeof name, (m: string, s: StepOptions) => Promise<StepResult>>)[name].call(c, m, stepOptionsOf(o)))),
    );
  }
  stepOptions(migrate.command('canary').argument('<percent>', 'share of users answered by the service', whole).argument('<module>').description('a sticky share of users is answered by the service')).action(
    (percent: number, m: string, o: MigrateCliOptions) => run(o, (c) => step(o, () => c.canary(m, percent, stepOptionsOf(o)))),
  );
}

export function stepOptionsOf(o: MigrateCliOptions): StepOptions {
  const thresholds = {
    ...(o.maxLagBytes !== undefined ? { maxLagBytes: o.maxLagBytes } : {}),
    ...(o.minMatchRate !== undefined ? { minMatchRate: o.minMatchRate } : {}),
    ...(o.minSamples !== undefined ? { minShadowSamples: o.minSamples } : {}),
  };
  return {
    ...(o.actor ? { actor: o.actor } : {}),
    ...(o.force ? { force: true } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
    thresholds,
    ...(o.stallAfter ? { stallAfter: o.stallAfter } : {}),
    // The gateways read the same setting: the REST writes' hold keeps their grace.
    freezeGraceMs: loadConfig().freezeGraceMs,
  };
}

/** One step, or modules changing owner in one freeze (a result per module, printed as for a step of its own). */
async function step(o: MigrateCliOptions, work: () => Promise<StepResult | StepResult[]>): Promise<number> {
  try {
    const r = await work();
    print(o, r, (Array.isArray(r) ? r : [r]).map(renderStep).join(''));
    return 0;
  } catch (error) {
    if (error instanceof GateRefusal) {
      print(o, error.result, renderStep(error.result));
      return 1;
    }
    throw error;
  }
}

function print(o: MigrateCliOptions, value: unknown, text: string): void {
  process.stdout.write(o.json ? `${JSON.stringify(value)}\n` : text);
}

function progressBar(): { update: (p: { copied: number; total: number }) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: 'backfill |{bar}| {percentage}% {value}/{total} rows', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: ({ copied, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(Math.min(copied, total));
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** A command that only reads: works without a running Ficus (its PostgreSQL is started for it). */
async function runReadOnly(o: MigrateCliOptions, work: (c: MigrationController) => Promise<number>): Promise<void> {
  if (o.controlUrl && o.legacyUrl) return run(o, work);
  let stopCluster: (() => Promise<void>) | undefined;
  try {
    stopCluster = await embeddedClusterForCommand(loadConfig());
  } catch (error) {
    console.error(`ficus migrate: ${(error as Error).message ?? error}`);
    await new Promise((r) => process.stdout.write('', r));
    process.exit(1);
  }
  try {
    await run(o, work, false);
  } finally {
    await stopCluster();
  }
}

async function run(o: MigrateCliOptions, work: (c: MigrationController) => Promise<number>, exitOnFailure = true): Promise<void> {
  let code: number;
  let controller: MigrationController | undefined;
  try {
    const endpoints = endpointsOf(o);
    // Which databases answered, so an operator with several Ficus instances knows which one this was.
    if (!o.json) process.stderr.write(describeDatabases({ control: endpoints.controlUrl, legacy: endpoints.legacyUrl }));
    controller = await MigrationController.open(endpoints);
    code = await work(controller);
  } catch (error) {
    console.error(`ficus migrate: ${(error as Error).message ?? error}`);
    code = 1;
  } finally {
    await controller?.close().catch(() => undefined);
  }
  // As in `ficus reconcile`: embedded-postgres's exit hook would turn a non-zero exit into 0.
  if (code !== 0 && !exitOnFailure) process.exitCode = code;
  else if (code !== 0) {
    await new Promise((r) => process.stdout.write('', r));
    process.exit(code);
  }
}

function endpointsOf(o: MigrateCliOptions) {
  const config = loadConfig();
  const cluster = (db: string) => embeddedUrl(config.postgresPort, db);
  const serviceUrls: Record<string, string> = {};
  for (const entry of o.serviceUrl ?? []) {
    const at = entry.indexOf('=');
    if (at < 1) throw new InvalidArgumentError(`--service-url wants service=url, got ${entry}`);
    serviceUrls[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return embeddedEndpoints({
    controlUrl: o.controlUrl ?? cluster(CONTROL_DATABASE),
    legacyUrl: o.legacyUrl ?? config.legacyDatabaseUrl ?? cluster(config.legacyDatabaseName),
    serviceUrls,
    ...(o.addons ? { addonsPath: o.addons } : {}),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  });
}
