import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../../bench/drill/drill-stack.ts';
import type { CallHandler } from '../../odoo-bridge/call.ts';
import { describeSample } from '../../migration/control/shadow/shadow-summary.ts';
import type { ShadowStatRow } from '../../migration/control/shadow/shadow-stats.ts';
import { createLogger } from '../../platform/logger.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../support/databases.ts';
import { holdModuleSyncs } from '../support/module-sync-lock.ts';

/**
 * Shadow comparison of aggregates (issue 18's comparer, the finance drill's false difference on
 * hp.payment.read_group): per-group counts move both ways between the two legacy answers around
 * the service's (one row leaves a group while another arrives), so "the service matches neither
 * legacy answer" proves nothing for a count. Here hp.activity (M19, real forward sync) is grouped
 * by visibility while other connections move a few dozen rows between the groups in legacy; the
 * runtime's comparer compares every read_group. Moves alone must never close the gate; a count
 * planted off in the service copy while nothing moves must be a `value` difference.
 */
describe('M19 shadow comparison of read_group while rows move between groups', () => {
  let lock: Awaited<ReturnType<typeof holdModuleSyncs>>;
  let legacy: TestDatabase;
  let control: TestDatabase;
  let service: TestDatabase;
  let stack: DrillStack;
  let call: CallHandler;
  let ids: number[];
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const drill = { actor: 'drill', ackTimeoutMs: 30_000, leaseMs: 15_000 };
  const VISIBILITIES = ['public', 'followers', 'private'] as const;
  const readGroup = () =>
    call({ database: 'hp_legacy', uid: 2, model: 'hp.activity', method: 'read_group', args: [[['id', 'in', [...ids]]], ['visibility'], ['visibility']], kwargs: { lazy: true } });

  beforeAll(async () => {
    lock = await holdModuleSyncs('M19');
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    service = await emptyDatabase('svc_dynamic');
    stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger });
    expect((await stack.controller.backfill('M19', { waitMs: 120_000 })).ok).toBe(true);
    const started = Date.now();
    while (!(await stack.controller.status('M19')).sync.forwardLag.ok) {
      if (Date.now() - started > 60_000) throw new Error('the forward sync did not stream within 60 s of the backfill');
      await new Promise((r) => setTimeout(r, 200));
    }
    await stack.controller.shadow('M19', drill);
    call = stack.runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacyPool });
    const { rows } = await legacy.pool.query<{ id: number }>('SELECT id FROM activities ORDER BY id LIMIT 30');
    ids = rows.map((r) => r.id);
    expect(ids.length).toBe(30);
    // Ten rows in each group to start with: small counts, where one move is a large change.
    await legacy.pool.query(`UPDATE activities SET visibility = (ARRAY['public','followers','private'])[1 + (id % 3)] WHERE id = ANY($1::int[])`, [ids]);
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
    await admin.connect();
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('ficus_fwd_m19', 'ficus_rev_m19', 'ficus_ref_dynamic') AND NOT active`);
    await admin.end();
    await Promise.all([service?.drop(), control?.drop(), legacy?.drop()]);
    await lock?.release();
  }, 120_000);

  /** The read_group row of the module's shadow status: counts by class since the phase began. */
  const readGroupRow = async () => {
    await stack.runtime.shadowIdle();
    await new Promise((r) => setTimeout(r, 1500)); // the stats flush to the control database every second
    return (await stack.controller.status('M19')).shadow.find((r) => r.call === 'hp.activity.read_group');
  };

  /**
   * Four writers, each moving one random row of the set to another group, ~100 moves/s each: a
   * comparison's window (the service copy trails by tens of milliseconds) holds several moves.
   */
  const startMoving = () => {
    let moving = true;
    let moves = 0;
    const writers = [0, 1, 2, 3].map(async () => {
      const client = new pg.Client({ connectionString: legacy.url });
      await client.connect();
      try {
        while (moving) {
          const id = ids[Math.floor(Math.random() * ids.length)]!;
          const to = VISIBILITIES[Math.floor(Math.random() * 3)]!;
          await client.query('UPDATE activities SET visibility = $2 WHERE id = $1 AND visibility <> $2', [id, to]);
          moves++;
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        await client.end();
      }
    });
    return async () => {
      moving = false;
      await Promise.all(writers);
      return moves;
    };
  };

  /** `count` read_groups, four at a time, each compared by the runtime's shadow comparer. */
  const readGroups = async (count: number) => {
    for (let i = 0; i < count; i += 4) {
      await Promise.all([readGroup(), readGroup(), readGroup(), readGroup()]);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const describeRow = (label: string, row: ShadowStatRow, since: ShadowStatRow['counts'] | undefined) => {
    const counts = Object.fromEntries(Object.entries(row.counts).map(([c, n]) => [c, n - (since?.[c as keyof typeof since] ?? 0)]));
    return (
      `${label}: ${Object.entries(counts).map(([c, n]) => `${c} ${n}`).join(', ')} (${row.notCompared.behind} behind, ${row.notCompared.skipped} skipped in the phase)` +
      (row.samples.value ? `\n  a value sample: ${describeSample(row.samples.value, 3)}` : '') +
      (row.samples.timing ? `\n  a timing sample: ${describeSample(row.samples.timing, 3)}` : '')
    );
  };

  it('moves between groups at ~400/s while read_group is compared: no unexplained difference', async () => {
    const COMPARISONS = Number(process.env.SHADOW_AGGREGATE_COMPARISONS ?? 400); // more for a measurement run
    const stop = startMoving();
    let moves = 0;
    try {
      await readGroups(COMPARISONS);
    } finally {
      moves = await stop();
    }
    const row = await readGroupRow();
    expect(row).toBeDefined();
    const { counts } = row!;
    const compared = Object.values(counts).reduce((a, b) => a + b, 0);
    const unexplained = counts.value + counts.missing + counts.extra + counts.error;
    console.log(describeRow(`read_group under ${moves} moves, ${compared} compared`, row!, undefined));
    expect(moves).toBeGreaterThan(200);
    expect(compared).toBeGreaterThan(COMPARISONS * 0.5);
    expect(counts.timing).toBeGreaterThan(0); // the moves were seen: the test exercised the window
    expect(unexplained).toBe(0);
  }, 300_000);

  it('one group count off in the service copy while nothing moves is a value difference', async () => {
    const before = (await readGroupRow())?.counts.value ?? 0;
    // The planted bug: the service copy has one row in another group than legacy (written past the forward sync).
    const moved = ids[0]!;
    const { rows } = await stack.servicePool.query<{ visibility: string }>('SELECT visibility FROM activities WHERE id = $1', [moved]);
    const other = VISIBILITIES.find((v) => v !== rows[0]!.visibility)!;
    await stack.servicePool.query('UPDATE activities SET visibility = $2 WHERE id = $1', [moved, other]);
    try {
      for (let i = 0; i < 5; i++) await readGroup();
      const row = await readGroupRow();
      console.log(describeRow('one row in another group in the service, nothing moving', row!, undefined));
      expect(row!.counts.value - before).toBe(5);
      expect(describeSample(row!.samples.value!, 3)).toMatch(/visibility_count/);
    } finally {
      const legacyValue = (await legacy.pool.query<{ visibility: string }>('SELECT visibility FROM activities WHERE id = $1', [moved])).rows[0]!.visibility;
      await stack.servicePool.query('UPDATE activities SET visibility = $2 WHERE id = $1', [moved, legacyValue]);
    }
  }, 120_000);

  it('a count planted far off (60 rows the service alone has) is a value difference even while rows move', async () => {
    const since = (await readGroupRow())?.counts ?? { match: 0, timing: 0, value: 0, missing: 0, extra: 0, error: 0 }; // run alone (-t), nothing was compared yet
    const PLANTED = 60; // more than a comparison's window sees change here (5–30 rows)
    const client = await stack.servicePool.connect();
    try {
      // The planted bug: rows the service copy has and legacy never had, in the domain read.
      await client.query('CREATE TEMP TABLE planted AS SELECT a.* FROM activities a CROSS JOIN generate_series(1, $2::int) WHERE a.id = $1', [ids[0], PLANTED]);
      await client.query('UPDATE planted p SET id = s.n FROM (SELECT ctid, 900000 + row_number() OVER () AS n FROM planted) s WHERE p.ctid = s.ctid');
      await client.query('INSERT INTO activities SELECT * FROM planted');
    } finally {
      client.release();
    }
    ids.push(...Array.from({ length: PLANTED }, (_, i) => 900001 + i));
    const stop = startMoving();
    let moves = 0;
    try {
      await readGroups(100);
    } finally {
      moves = await stop();
      ids.splice(-PLANTED);
      await stack.runtime.shadowIdle(); // the comparisons still running read the planted rows too
      await stack.servicePool.query('DELETE FROM activities WHERE id > 900000');
    }
    const row = (await readGroupRow())!;
    console.log(describeRow(`${PLANTED} rows planted in one group, read_group under ${moves} moves`, row, since));
    const value = row.counts.value - since.value;
    const compared = Object.values(row.counts).reduce((a, b) => a + b, 0) - Object.values(since).reduce((a, b) => a + b, 0);
    expect(moves).toBeGreaterThan(50);
    // Every comparison sees the planted rows; the moves in its window (fewer rows) cannot explain them.
    expect(value).toBeGreaterThan(compared * 0.8);
    expect(row.counts.match - since.match).toBe(0);
  }, 180_000);
});
