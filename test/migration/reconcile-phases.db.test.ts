import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBookkeeping, writeCheckpoint } from '../../cdc/apply/bookkeeping.ts';
import { forwardSlot } from '../../migration/control/module-plan.ts';
import type { Phase, StepName } from '../../migration/control/phases.ts';
import { ensureControlSchema } from '../../migration/control/store/control-schema.ts';
import { recordTransition } from '../../migration/control/store/phase-store.ts';
import { loadModuleRegistry, type RegisteredModule } from '../../migration/modules/index.ts';
import {
  exitCodeOf,
  reconcileModules,
  renderReport,
  standingFromControl,
  type CopyState,
  type ReconcileReport,
} from '../../migration/reconcile/index.ts';
import { SERVICE_CATALOG } from '../../services/catalog.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../support/databases.ts';

/**
 * `ficus reconcile <module>` for every module M01–M20 in every phase a migration passes
 * through: each run ends 0 (clean, or nothing to compare) or 1 (differences), never 2, and its
 * report says what was compared, or why nothing was, in words.
 *
 * Databases: `legacy` (the monolith), `copy` (a service database holding every module's tables,
 * with the forward sync's checkpoint saying its snapshot finished: a backfilled copy), `blank`
 * (a service database whose tables exist but were never backfilled: no rows, no checkpoint) and
 * a database that does not exist (a planned or never started service).
 */
let legacy: TestDatabase;
let copy: TestDatabase;
let blank: TestDatabase;
let control: TestDatabase;
let modules: readonly RegisteredModule[];
const MISSING_DATABASE = testClusterUrl('t_service_database_that_does_not_exist');

beforeAll(async () => {
  [legacy, copy, blank, control] = await Promise.all([legacyDatabase(), legacyDatabase(), legacyDatabase(), emptyDatabase('control')]);
  modules = (await loadModuleRegistry(legacy.pool)).modules;
  await ensureControlSchema(control.pool);
  const client = await copy.pool.connect();
  try {
    await ensureBookkeeping(client);
    // What the embedded forward reader stores once its snapshot is done (cdc/embedded/embedded-source.ts).
    for (const m of modules) await writeCheckpoint(client, forwardSlot(m.code), { slot: forwardSlot(m.code), tables: m.tables, snapshotLsn: '0/0', snapshotDone: true, lsn: 0 });
  } finally {
    client.release();
  }
  const everyTable = modules.flatMap((m) => m.tables).map((t) => `"${t}"`).join(', ');
  await blank.pool.query(`TRUNCATE ${everyTable} CASCADE`);
}, 180_000);

afterAll(async () => {
  await Promise.all([legacy?.drop(), copy?.drop(), blank?.drop(), control?.drop()]);
});

type Steps = [StepName, Phase, Phase][];
interface Scenario {
  name: string;
  /** The steps recorded in the control database before reconciling (as `ficus migrate` records them). */
  steps: Steps;
  serviceDatabase: () => string;
  expect: { compared: boolean; copy: CopyState; exit: 0 | 1; words: RegExp; systemOfRecord?: 'legacy' | 'service' };
}

const TO_SERVICE: Steps = [['shadow', 'legacy', 'shadow'], ['canary', 'shadow', 'canary'], ['cutover', 'canary', 'service']];
const ROLLED_BACK: Steps = [...TO_SERVICE, ['rollback', 'service', 'canary'], ['rollback', 'canary', 'shadow'], ['rollback', 'shadow', 'legacy']];

const SCENARIOS: Scenario[] = [
  {
    name: 'legacy, no service database',
    steps: [],
    serviceDatabase: () => MISSING_DATABASE,
    expect: { compared: false, copy: 'no-database', exit: 0, words: /no service copy to compare with — its service('s database t_service_database_that_does_not_exist does not exist yet| \w+ is planned, not built yet).*nothing to reconcile/ },
  },
  {
    name: 'legacy, service tables never backfilled',
    steps: [],
    serviceDatabase: () => blank.url,
    expect: { compared: false, copy: 'never-backfilled', exit: 0, words: /phase legacy: no service copy to compare with — the module's tables in t_legacy_\w+ were never backfilled.*nothing to reconcile/ },
  },
  {
    name: 'legacy with a backfilled copy',
    steps: [],
    serviceDatabase: () => copy.url,
    expect: { compared: true, copy: 'backfilled', exit: 0, systemOfRecord: 'legacy', words: /phase legacy: the legacy tables \(the system of record\) against the service copy in .*, kept by the forward sync/ },
  },
  {
    name: 'shadow',
    steps: [['shadow', 'legacy', 'shadow']],
    serviceDatabase: () => copy.url,
    expect: { compared: true, copy: 'backfilled', exit: 0, systemOfRecord: 'legacy', words: /phase shadow, last step shadow legacy → shadow .*: the legacy tables \(the system of record\)/ },
  },
  {
    name: 'service',
    steps: TO_SERVICE,
    serviceDatabase: () => copy.url,
    expect: { compared: true, copy: 'backfilled', exit: 0, systemOfRecord: 'service', words: /phase service, last step cutover canary → service .*: the service's tables in .* \(the system of record\) against the legacy tables, kept by the reverse sync/ },
  },
  {
    name: 'after rollback to legacy, copy kept warm',
    steps: ROLLED_BACK,
    serviceDatabase: () => copy.url,
    expect: { compared: true, copy: 'backfilled', exit: 0, systemOfRecord: 'legacy', words: /phase legacy, last step rollback shadow → legacy .*: the legacy tables \(the system of record\) against the service copy/ },
  },
  {
    name: 'after rollback to legacy, no service copy',
    steps: ROLLED_BACK,
    serviceDatabase: () => blank.url,
    expect: { compared: false, copy: 'never-backfilled', exit: 0, words: /phase legacy, last step rollback shadow → legacy .*: no service copy to compare with .*nothing to reconcile/ },
  },
  {
    name: 'shadow without a service copy (a difference: shadow compares with a copy there is none of)',
    steps: [['shadow', 'legacy', 'shadow']],
    serviceDatabase: () => MISSING_DATABASE,
    expect: { compared: false, copy: 'no-database', exit: 1, words: /phase shadow, last step .*, which relies on the service copy, but there is none/ },
  },
];

async function moveTo(code: string, steps: Steps): Promise<void> {
  await control.pool.query('DELETE FROM ficus_migration.module_phase WHERE module = $1; ', [code]);
  await control.pool.query('DELETE FROM ficus_migration.transition WHERE module = $1', [code]);
  const client = await control.pool.connect();
  try {
    for (const [step, from, to] of steps) {
      await recordTransition(client, { module: code, step, from, to, actor: 'test', reason: null, forced: false, gates: [] });
    }
  } finally {
    client.release();
  }
}

function reconcile(codes: string[], serviceDatabase: (service: string) => string): Promise<ReconcileReport> {
  return reconcileModules({
    sourceUrl: legacy.url,
    modules: codes,
    serviceUrlFor: serviceDatabase,
    standing: standingFromControl(control.pool),
  });
}

describe.each(SCENARIOS)('ficus reconcile <module>, $name', (scenario) => {
  const CODES = Array.from({ length: 20 }, (_, i) => `M${String(i + 1).padStart(2, '0')}`);
  it.each(CODES)('%s: exits 0 or 1 as the phase says, with a report that says what was compared or why not', async (code) => {
    await moveTo(code, scenario.steps);
    const report = await reconcile([code], scenario.serviceDatabase);
    const module = modules.find((m) => m.code === code)!;
    const scope = report.scope?.find((s) => s.code === code);
    expect(scope, 'every module asked for is in the report').toBeDefined();
    expect({ compared: scope!.compared, copy: scope!.copy, exit: exitCodeOf(report) }).toEqual({ compared: scenario.expect.compared, copy: scenario.expect.copy, exit: scenario.expect.exit });
    expect(scope!.explanation).toMatch(scenario.expect.words);
    if (scenario.expect.systemOfRecord) expect(scope!.systemOfRecord).toBe(scenario.expect.systemOfRecord);
    if (scope!.copy === 'no-database' && 'planned' in SERVICE_CATALOG[module.service]) expect(scope!.explanation).toContain(`its service ${module.service} is planned, not built yet`);

    if (scenario.expect.compared) {
      // Every table of the module compared, every row counted on both sides, nothing different.
      expect(report.tables.map((t) => t.table).sort()).toEqual([...module.tables].sort());
      for (const t of report.tables) expect({ table: t.table, status: t.status, same: t.rowsSource === t.rowsTarget }).toEqual({ table: t.table, status: 'clean', same: true });
      expect(report.summary.rowsSource).toBeGreaterThan(0);
    } else {
      expect(report.tables).toEqual([]);
    }

    const text = renderReport(report, 'table');
    expect(text).toContain(`${code} ${module.technicalName} (${module.service}) — ${scope!.finding ? 'DIFFERENCE: ' : ''}${scope!.explanation}`);
    expect(text).toMatch(scenario.expect.exit === 0 ? /Verdict: (clean|nothing to compare) — / : /Verdict: differences found — /);
    if (!scenario.expect.compared && scenario.expect.exit === 0) expect(text).toMatch(/NOTHING TO COMPARE/);
    for (const r of report.rules) expect(r.status === 'skipped' ? r.reason : 'checked', `${r.id}/${r.side}`).toBeTruthy();
  });
});

describe('a difference in a backfilled copy', () => {
  it.each(Array.from({ length: 20 }, (_, i) => `M${String(i + 1).padStart(2, '0')}`))('%s: one changed row in its copy exits 1 and names the row', async (code) => {
    await moveTo(code, [['shadow', 'legacy', 'shadow']]);
    const module = modules.find((m) => m.code === code)!;
    const { rows } = await copy.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'write_date' AND table_name = ANY($1) ORDER BY table_name LIMIT 1`,
      [module.tables],
    );
    const table = rows[0]!.table_name;
    const changed = await copy.pool.query<{ id: number }>(`UPDATE "${table}" SET write_date = write_date + interval '1 hour' WHERE id = (SELECT min(id) FROM "${table}") RETURNING id`);
    const id = changed.rows[0]!.id;
    try {
      const report = await reconcile([code], () => copy.url);
      expect(exitCodeOf(report)).toBe(1);
      const differing = report.tables.find((t) => t.table === table)!;
      expect(differing.differences).toEqual([expect.objectContaining({ key: String(id), kind: 'different', columns: ['write_date'] })]);
      expect(renderReport(report, 'table')).toMatch(/Verdict: differences found — 1 module compared \(.*\); 1 table with differences \(1 row\)/);
    } finally {
      await copy.pool.query(`UPDATE "${table}" SET write_date = write_date - interval '1 hour' WHERE id = $1`, [id]);
    }
  });
});

describe('business rules whose other side is not migrated yet', () => {
  it('M04 M20 in shadow with their copy, M13 and M14 with no service database: the rules skip that side and say why; exit 0', async () => {
    for (const code of ['M04', 'M20']) await moveTo(code, [['shadow', 'legacy', 'shadow']]);
    for (const code of ['M13', 'M14']) await moveTo(code, []);
    const report = await reconcile(['M04', 'M20'], (service) => (service === 'trade' ? copy.url : MISSING_DATABASE));
    expect(exitCodeOf(report)).toBe(0);
    const paidOnce = report.rules.filter((r) => r.id === 'service-order-paid-once');
    expect(paidOnce.map((r) => `${r.side}: ${r.status}`)).toEqual(['source: ok', 'target: skipped']);
    expect(paidOnce[1]!.reason).toBe(
      "payments belongs to M13 hp_payment, which has no service copy yet (its service's database t_service_database_that_does_not_exist does not exist yet (`ficus start` creates it)); this side of the rule is checked once it has one",
    );
    const text = renderReport(report, 'table');
    expect(text).toContain('[skipped] target Every paid service order has exactly one succeeded payment of its amount — payments belongs to M13 hp_payment');
    expect(text).toMatch(/Verdict: clean — 2 modules compared \(5 tables, [\d,]+ rows in legacy, [\d,]+ rows on the service side\); no differences; \d+ rule checks? skipped \(reasons above\)\./);
  });

  it("M13's service database exists but was never backfilled: its empty tables are not read as a breach of every paid order", async () => {
    for (const code of ['M04', 'M20']) await moveTo(code, [['shadow', 'legacy', 'shadow']]);
    const report = await reconcile(['M04'], (service) => (service === 'trade' ? copy.url : blank.url));
    expect(exitCodeOf(report)).toBe(0);
    const target = report.rules.find((r) => r.id === 'service-order-paid-once' && r.side === 'target')!;
    expect(target.status).toBe('skipped');
    expect(target.reason).toMatch(/^payments belongs to M13 hp_payment, which has no service copy yet \(the module's tables in t_legacy_\w+ were never backfilled/);
  });

  it('a rule whose query the service side cannot run (a column it lacks) is skipped with the database reason, not a crash', async () => {
    await moveTo('M04', [['shadow', 'legacy', 'shadow']]);
    await moveTo('M13', [['shadow', 'legacy', 'shadow']]);
    await copy.pool.query('ALTER TABLE payments RENAME COLUMN source_model TO source_model_renamed');
    try {
      const report = await reconcile(['M04'], () => copy.url);
      const target = report.rules.find((r) => r.id === 'service-order-paid-once' && r.side === 'target')!;
      expect(target).toMatchObject({ status: 'skipped', reason: 'could not be checked: column "source_model" does not exist' });
      expect(exitCodeOf(report)).toBe(0);
    } finally {
      await copy.pool.query('ALTER TABLE payments RENAME COLUMN source_model_renamed TO source_model');
    }
  });
});

describe('a table the comparison cannot read', () => {
  it('is reported as not compared, with the reason, and counts as a difference (exit 1), the other tables still compared', async () => {
    await moveTo('M20', [['shadow', 'legacy', 'shadow']]);
    // `point` has no hash function, so hash_record_extended over the row fails (42883): a condition of this table's shape.
    await copy.pool.query('ALTER TABLE matching_rules ADD COLUMN shape point');
    await legacy.pool.query('ALTER TABLE matching_rules ADD COLUMN shape point');
    try {
      const report = await reconcile(['M20'], () => copy.url);
      const failed = report.tables.find((t) => t.table === 'matching_rules')!;
      const other = report.tables.find((t) => t.table === 'grab_orders')!;
      expect(other.status).toBe('clean');
      expect(failed.status).toBe('failed');
      expect(failed.reason).toMatch(/^could not be compared: could not identify an extended hash function for type point/);
      expect(exitCodeOf(report)).toBe(1);
      expect(renderReport(report, 'table')).toMatch(/matching_rules .*could not be compared/);
    } finally {
      await copy.pool.query('ALTER TABLE matching_rules DROP COLUMN shape');
      await legacy.pool.query('ALTER TABLE matching_rules DROP COLUMN shape');
    }
  });
});

/** The pools the survey opens must be closed by the run: no connection left to the copies. */
afterAll(async () => {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ficus-reconcile' AND datname = ANY($1)`, [[copy?.name, blank?.name, legacy?.name]]);
    expect(rows[0].n).toBe(0);
  } finally {
    await admin.end();
  }
});
