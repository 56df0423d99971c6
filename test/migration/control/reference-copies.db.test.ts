import fc from 'fast-check';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { useReplicationOrigin } from '../../../cdc/apply/replication-origin.ts';
import { ensurePublication, dropPublication } from '../../../cdc/setup/publication.ts';
import { loadModulePlans, type ModulePlan } from '../../../migration/control/module-plan.ts';
import { ensureControlSchema } from '../../../migration/control/store/control-schema.ts';
import { ModuleSync } from '../../../migration/control/sync/module-sync.ts';
import { ENGINE_REFERENCE_TABLES, serviceReferenceTables } from '../../../migration/control/sync/reference-tables.ts';
import type { ModelReference, RegisteredModule } from '../../../migration/modules/types.ts';
import { createFullOrmEngine, OdooError } from '../../../odoo-bridge/orm/index.ts';
import { createLogger } from '../../../platform/logger.ts';
import { SERVICE_NAMES } from '../../../services/kit/index.ts';
import { FINANCE_SYNC_LOCK } from '../../services/finance/support/finance-cutover-stack.ts';
import { emptyDatabase, legacyDatabase, withAdmin, type TestDatabase } from '../../support/databases.ts';
import { holdModuleSyncs } from '../../support/module-sync-lock.ts';

const ENGINE = [...ENGINE_REFERENCE_TABLES].sort();

describe('serviceReferenceTables on the legacy database', () => {
  let legacy: TestDatabase;
  let plans: Map<string, ModulePlan>;
  beforeAll(async () => {
    legacy = await legacyDatabase();
    plans = await loadModulePlans(legacy.pool);
  }, 60_000);
  afterAll(async () => {
    await legacy?.drop();
  });

  it("gives each service the engine's tables and the tables its models point at outside it", () => {
    // hp.gift.order.live_stream_id → hp.live.stream (live_streams, hp_live = M07, which stays legacy).
    expect(serviceReferenceTables(plans, 'finance')).toEqual([...ENGINE, 'live_streams'].sort());
    // hp.rating.order_id → hp.service.order (trade's); hp.community.post.group_id → hp.community.group (biz's),
    // while hp.qa.question.tag_ids → hp.content.tag stays inside content (M06), as does its relation table.
    expect(serviceReferenceTables(plans, 'ops')).toEqual([...ENGINE, 'service_orders'].sort());
    expect(serviceReferenceTables(plans, 'content')).toEqual([...ENGINE, 'community_groups'].sort());
    // product.product is named from its template and attribute values (display-name.ts).
    expect(serviceReferenceTables(plans, 'ec')).toEqual(
      [...ENGINE, 'product_attribute', 'product_attribute_value', 'product_attribute_value_product_template_attribute_line_rel', 'product_product', 'product_template', 'product_template_attribute_value', 'product_variant_combination'].sort(),
    );
    // Models pointing only at users, currencies or each other: the engine's list alone. M20 → M04 is inside trade.
    for (const service of ['trade', 'dynamic', 'auth', 'user', 'biz', 'ai']) expect(serviceReferenceTables(plans, service)).toEqual(ENGINE);
  });

  it("never lists a table of the service's own modules: their forward syncs write them", () => {
    for (const service of SERVICE_NAMES) {
      const own = new Set([...plans.values()].filter((p) => p.service === service).flatMap((p) => p.tables));
      expect(serviceReferenceTables(plans, service).filter((t) => own.has(t))).toEqual([]);
    }
  });

  it("every service's list can be copied and published from the monolith (tables exist, each with a primary key)", async () => {
    const target = await emptyDatabase('refcopy');
    const source = await legacy.pool.connect();
    const client = await target.pool.connect();
    try {
      for (const service of SERVICE_NAMES) {
        const tables = serviceReferenceTables(plans, service).map((t) => `public.${t}`);
        await copyTableDefinitions(source, client, tables);
        await ensurePublication(source, { name: `ficus_reftest_${service}`, tables });
        await dropPublication(source, `ficus_reftest_${service}`);
      }
      // Copies are made without an id default: the mark by which the engine refuses writes to them (served-schema.ts).
      const { rows } = await client.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id'
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.atthasdef`,
      );
      expect(rows).toEqual([]);
    } finally {
      source.release();
      client.release();
      await target.drop();
    }
  });
});

describe('serviceReferenceTables, over any module plans (property)', () => {
  const MODULES = ['A', 'B', 'C', 'D', 'E'];
  const SERVICES = ['s1', 's2', 's3'];
  const TARGETS = ['res.users', 'product.product', ...MODULES.map((m) => `x.${m.toLowerCase()}`)];
  const tableOf = (model: string) => (model === 'res.users' ? 'res_users' : model === 'product.product' ? 'product_product' : `${model.replace('.', '_')}_t`);
  const moduleOf = (model: string) => (model.startsWith('x.') ? model.slice(2).toUpperCase() : 'base');

  const reference = fc.record({
    from: fc.constantFrom(...MODULES),
    to: fc.constantFrom(...TARGETS),
    kind: fc.constantFrom<ModelReference['kind']>('many2one', 'many2many', 'polymorphic'),
    field: fc.constantFrom('f1', 'f2'),
    /** Which module created a many2many's relation table: the referencing one, or another (an extension). */
    relationBy: fc.constantFrom(...MODULES),
  });
  const world = fc.record({
    serviceOf: fc.tuple(...MODULES.map(() => fc.constantFrom(...SERVICES))),
    references: fc.array(reference, { maxLength: 12 }),
  });

  function plansOf(w: { serviceOf: string[]; references: { from: string; to: string; kind: ModelReference['kind']; field: string; relationBy: string }[] }): Map<string, ModulePlan> {
    // A relation table has one creator: the first many2many reference of a field decides which module.
    const relationBy = new Map<string, string>();
    for (const r of w.references) if (r.kind === 'many2many' && moduleOf(r.to) !== r.from && !relationBy.has(`${r.from}.${r.field}`)) relationBy.set(`${r.from}.${r.field}`, r.relationBy);
    const plans = new Map<string, ModulePlan>();
    MODULES.forEach((code, i) => {
      const model = `x.${code.toLowerCase()}`;
      const out = w.references
        .filter((r) => r.from === code && moduleOf(r.to) !== code)
        .map((r): ModelReference => ({ kind: r.kind, fromModule: code, fromModel: model, fromTable: tableOf(model), field: r.field, toModel: r.to, toModule: moduleOf(r.to), toTable: tableOf(r.to) }));
      const relationTables = [...relationBy]
        .filter(([, by]) => by === code)
        .map(([key]) => {
          const [from, field] = key.split('.') as [string, string];
          return { table: `rel_${from}_${field}`, model: `x.${from.toLowerCase()}`, field, column1: 'a', column2: 'b' };
        });
      const tables = [...new Set([tableOf(model), ...relationTables.map((r) => r.table)])].sort();
      const module: RegisteredModule = {
        code, technicalName: `m_${code}`, title: code, service: w.serviceOf[i] as RegisteredModule['service'], installed: true,
        models: [{ model, table: tableOf(model), tableSource: null }], extensions: [], relationTables, tables, referencesOut: out, referencesIn: [],
      };
      plans.set(code, { code, technicalName: module.technicalName, service: module.service, models: [{ model, table: tableOf(model) }], tables, module, definition: undefined });
    });
    return plans;
  }

  it('holds the engine tables, every outside table the service points at, and nothing the service owns; the same for any plan order', () => {
    fc.assert(
      fc.property(world, fc.constantFrom(...SERVICES), (w, service) => {
        const plans = plansOf(w);
        const result = serviceReferenceTables(plans, service);
        const own = [...plans.values()].filter((p) => p.service === service);
        const owned = new Set(own.flatMap((p) => p.tables));
        expect(result.filter((t) => owned.has(t))).toEqual([]);
        for (const t of ENGINE) expect(result).toContain(t);
        const expected = new Set<string>(ENGINE);
        for (const r of own.flatMap((p) => p.module.referencesOut)) {
          if (r.kind === 'polymorphic') continue;
          expected.add(r.toTable!);
          if (r.toModel === 'product.product') for (const t of ['product_template', 'product_template_attribute_value', 'product_attribute_value', 'product_variant_combination', 'product_attribute', 'product_attribute_value_product_template_attribute_line_rel']) expected.add(t);
          if (r.kind === 'many2many') {
            const relation = [...plans.values()].flatMap((p) => p.module.relationTables).find((x) => x.model === r.fromModel && x.field === r.field);
            if (relation) expected.add(relation.table);
          }
        }
        expect(result).toEqual([...expected].filter((t) => !owned.has(t)).sort());
        expect(serviceReferenceTables(new Map([...plans].reverse()), service)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The reference reader of a running migration, as the sync supervisor starts it: a reference slot
 * made by an older Ficus with the engine's list alone (as every svc_finance had before), then
 * the sync started again with finance's list, which adds live_streams.
 */
describe("finance's reference slot follows its list", () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const SLOTS = ['ficus_fwd_m15', 'ficus_rev_m15', 'ficus_ref_finance'];
  const OTHER_ORIGIN = 'ficus_rev_m07';
  let lock: Awaited<ReturnType<typeof holdModuleSyncs>>;
  let legacy: TestDatabase;
  let control: TestDatabase;
  let service: TestDatabase;
  let plan: ModulePlan;
  let sync: ModuleSync | undefined;

  const dropSlots = () =>
    withAdmin((admin) => admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [SLOTS]));
  const startSync = async (referenceTables?: readonly string[]) => {
    sync = new ModuleSync({
      plan, legacyUrl: legacy.url, serviceUrl: service.url, control: control.pool, logger, metrics: new Registry(), heartbeatIntervalMs: 200,
      // svc_finance's M15 tables as the service's migrations would make them (the columns are what the sync needs).
      provision: async (url) => {
        const target = new pg.Client({ connectionString: url });
        await target.connect();
        const source = await legacy.pool.connect();
        try {
          await copyTableDefinitions(source, target, plan.tables.map((t) => `public.${t}`));
        } finally {
          source.release();
          await target.end();
        }
      },
      ...(referenceTables ? { referenceTables } : {}),
    });
    await sync.start();
    await sync.ready();
  };
  const stopSync = async () => {
    await sync?.stop();
    sync = undefined;
  };
  // The engine keeps one registry per pool for the life of the process (registry-cache.ts): a new
  // pool per step sees the tables as they are now, as a restarted gateway would.
  const pools: pg.Pool[] = [];
  const freshEngine = () => {
    const pool = new pg.Pool({ connectionString: service.url, max: 2 });
    pools.push(pool);
    return createFullOrmEngine({ database: { name: 'hp_legacy', pool } });
  };
  const present = async (table: string) => (await service.pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table])).rows[0]!.ok;

  beforeAll(async () => {
    lock = await holdModuleSyncs(FINANCE_SYNC_LOCK);
    await dropSlots();
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    service = await emptyDatabase('svc_finance');
    await ensureControlSchema(control.pool);
    plan = (await loadModulePlans(legacy.pool)).get('M15')!;
  }, 120_000);

  afterAll(async () => {
    await stopSync().catch(() => undefined);
    for (const pool of pools) await pool.end().catch(() => undefined);
    await dropSlots().catch(() => undefined);
    await withAdmin((admin) => admin.query(`SELECT pg_replication_origin_drop($1) FROM pg_replication_origin WHERE roname = $1`, [OTHER_ORIGIN])).catch(() => undefined);
    await service?.drop();
    await control?.drop();
    await legacy?.drop();
    await lock?.release();
  }, 60_000);

  it('an older slot without live_streams: gift orders read [id, false]', async () => {
    await startSync(ENGINE_REFERENCE_TABLES);
    expect(await present('live_streams')).toBe(false);
    expect([...sync!.addedReferenceTables].sort()).toEqual(ENGINE.map((t) => `public.${t}`));
    const order = await giftOrderWithStream();
    const engine = freshEngine();
    const [row] = (await engine.call({ database: 'hp_legacy', uid: 2, model: 'hp.gift.order', method: 'read', args: [[order.id], ['live_stream_id']], kwargs: {} })) as { live_stream_id: unknown }[];
    expect(row!.live_stream_id).toEqual([order.live_stream_id, false]);
    await stopSync();
  }, 120_000);

  it('started again with the service list: the publication and a new snapshot take live_streams in, and it streams', async () => {
    const order = await giftOrderWithStream();
    const before = await service.pool.query<{ lsn: string }>(`SELECT position->>'snapshotLsn' AS lsn FROM ficus_cdc.checkpoint WHERE source = 'ficus_ref_finance'`);
    const snapshotLsnBeforeGrowth = before.rows[0]!.lsn;
    // Changed while no reader ran: only a snapshot taken now can show it.
    await legacy.pool.query(`UPDATE live_streams SET title = 'Renamed while the sync was down' WHERE id = $1`, [order.live_stream_id]);
    await startSync();
    expect(sync!.addedReferenceTables).toEqual(['public.live_streams']);

    const published = await legacy.pool.query<{ tablename: string }>(`SELECT tablename FROM pg_publication_tables WHERE pubname = 'ficus_ref_finance' ORDER BY 1`);
    expect(published.rows.map((r) => r.tablename)).toEqual([...ENGINE, 'live_streams'].sort());
    const checkpoint = await service.pool.query<{ tables: string[]; lsn: string }>(
      `SELECT position->'tables' AS tables, position->>'snapshotLsn' AS lsn FROM ficus_cdc.checkpoint WHERE source = 'ficus_ref_finance'`,
    );
    expect(checkpoint.rows[0]!.tables).toContain('public.live_streams');
    expect(checkpoint.rows[0]!.lsn).not.toBe(snapshotLsnBeforeGrowth);
    const snapshotLsnAfterGrowth = checkpoint.rows[0]!.lsn;
    const counts = async (db: pg.Pool) => (await db.query<{ n: number; titles: string }>(`SELECT count(*)::int AS n, string_agg(title, '|' ORDER BY id) AS titles FROM live_streams`)).rows[0];
    expect(await counts(service.pool)).toEqual(await counts(legacy.pool));

    const engine = freshEngine();
    const read = async () =>
      ((await engine.call({ database: 'hp_legacy', uid: 2, model: 'hp.gift.order', method: 'read', args: [[order.id], ['live_stream_id']], kwargs: {} })) as { live_stream_id: unknown }[])[0]!.live_stream_id;
    expect(await read()).toEqual([order.live_stream_id, 'Renamed while the sync was down']);

    // A change of the monolith streams in; so does one another service's reverse sync wrote there (origin ficus_rev_*).
    await legacy.pool.query(`UPDATE live_streams SET title = 'Renamed in Odoo' WHERE id = $1`, [order.live_stream_id]);
    await vi.waitFor(async () => expect(await read()).toEqual([order.live_stream_id, 'Renamed in Odoo']), { timeout: 15_000, interval: 100 });
    const writer = new pg.Client({ connectionString: legacy.url });
    await writer.connect();
    try {
      await useReplicationOrigin(writer, OTHER_ORIGIN);
      await writer.query(`UPDATE live_streams SET title = 'Renamed by the biz service' WHERE id = $1`, [order.live_stream_id]);
      await writer.query('SELECT pg_replication_origin_session_reset()');
    } finally {
      await writer.end();
    }
    await vi.waitFor(async () => expect(await read()).toEqual([order.live_stream_id, 'Renamed by the biz service']), { timeout: 15_000, interval: 100 });
    await stopSync();

    // A restart with the same list finds every copy there and keeps the slot: no new snapshot.
    await startSync();
    expect(sync!.addedReferenceTables).toEqual([]);
    const snapshotAt = await service.pool.query<{ lsn: string }>(`SELECT position->>'snapshotLsn' AS lsn FROM ficus_cdc.checkpoint WHERE source = 'ficus_ref_finance'`);
    expect(snapshotAt.rows[0]!.lsn).toBe(snapshotLsnAfterGrowth);
  }, 180_000);

  it('the new copy is read-only to the engine, like the others', async () => {
    const order = await giftOrderWithStream();
    const engine = freshEngine();
    const refusal = await engine
      .call({ database: 'hp_legacy', uid: 2, model: 'hp.live.stream', method: 'write', args: [[order.live_stream_id], { title: 'Written in svc_finance' }], kwargs: {} })
      .then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(OdooError);
    expect((refusal as OdooError).message).toContain('read-only copy of hp.live.stream');
    const { rows } = await service.pool.query<{ title: string }>('SELECT title FROM live_streams WHERE id = $1', [order.live_stream_id]);
    expect(rows[0]!.title).not.toBe('Written in svc_finance');
  }, 60_000);

  async function giftOrderWithStream(): Promise<{ id: number; live_stream_id: number }> {
    const { rows } = await legacy.pool.query<{ id: number; live_stream_id: number }>('SELECT id, live_stream_id FROM gift_orders WHERE live_stream_id IS NOT NULL ORDER BY id LIMIT 1');
    expect(rows.length).toBe(1);
    return rows[0]!;
  }
});
