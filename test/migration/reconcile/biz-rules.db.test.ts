import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRuleRepairs,
  BIZ_RULES,
  DatabasePools,
  planRuleRepairs,
  reconcileModules,
  ruleRepairSides,
  type BusinessRule,
  type ReconcileModulesOptions,
  type ReconcileReport,
  type RuleResult,
} from '../../../migration/reconcile/index.ts';
import { streamTimesBreach } from '../../../migration/reconcile/biz-rules.ts';
import { BIZ_MIGRATIONS } from '../../../services/biz/db/migrations.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The reconcile rules of M03, M07 and M08: a group's stored member_count is its active members, no
 * member belongs to a group that is gone, a live stream's times are those its state gives, a
 * dashboard's period is the first of a month. Checked against the monolith's data (clean), against
 * generated tables with planted faults (exactly those reported), and `--repair` against breaches
 * planted in the owner and its copy.
 */
const rule = (id: string): BusinessRule => BIZ_RULES.find((r) => r.id === id)!;

describe("a live stream's times and its state", () => {
  const at = (s: string, started: string | null, ended: string | null) => streamTimesBreach({ state: s, started_at: started, ended_at: ended });
  it('scheduled has neither time, live a start only, ended both in order', () => {
    expect(at('scheduled', null, null)).toBeUndefined();
    expect(at('live', '2026-12-06 10:00:00', null)).toBeUndefined();
    expect(at('ended', '2026-12-06 10:00:00', '2026-12-06 10:00:00')).toBeUndefined();
    expect(at('ended', '2026-12-06 10:00:00', '2026-12-06 10:00:00.5')).toBeUndefined();
    expect(at('scheduled', '2026-12-06 10:00:00', null)).toBe('is scheduled but has a start');
    expect(at('scheduled', '2026-12-06 10:00:00', '2026-12-06 11:00:00')).toBe('is scheduled but has a start and an end');
    expect(at('live', null, null)).toBe('is live without a start');
    expect(at('live', '2026-12-06 10:00:00', '2026-12-06 11:00:00')).toBe('is live but has an end');
    expect(at('ended', null, '2026-12-06 11:00:00')).toBe('has ended without a start');
    expect(at('ended', null, null)).toBe('has ended without a start or an end');
    expect(at('ended', '2026-12-06 10:00:00.25', '2026-12-06 10:00:00')).toBe('ended before it started');
    expect(at('paused', null, null)).toBe('is in state paused, which hp.live.stream does not have');
  });
});

describe('M03/M07/M08 rules on generated tables', () => {
  let db: TestDatabase;
  const sides = { source: () => db.pool, target: () => db.pool };

  beforeAll(async () => {
    db = await emptyDatabase('biz_rules');
    for (const m of BIZ_MIGRATIONS.filter((x) => x.id.startsWith('0001'))) await db.pool.query(m.sql);
  });
  afterAll(async () => db?.drop());

  const STATES = ['active', 'left', 'banned'] as const;
  const groupArb = fc.record({
    members: fc.array(fc.constantFrom(...STATES), { maxLength: 8 }),
    // a stored count off by a few, or missing, when planted
    planted: fc.option(fc.oneof(fc.constant<number | null>(null), fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0)), { nil: undefined }),
  });
  const time = fc.option(fc.integer({ min: 0, max: 5 }).map((h) => `2026-12-06 1${h}:00:00`), { nil: null });
  const streamArb = fc.record({ state: fc.constantFrom('scheduled', 'live', 'ended'), started: time, ended: time });

  it('report exactly the groups whose count is not their active members, the members of a missing group and the streams whose times do not follow their state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat({ max: 14 }), { maxLength: 5 }),
        fc.array(streamArb, { minLength: 1, maxLength: 20 }),
        async (groups, orphanGroups, streams) => {
          await db.pool.query('TRUNCATE community_groups, members, live_streams RESTART IDENTITY');
          const plantedGroups: number[] = [];
          let user = 100;
          for (const [i, g] of groups.entries()) {
            const active = g.members.filter((s) => s === 'active').length;
            const stored = g.planted === undefined ? active : g.planted === null ? null : Math.max(0, active + g.planted);
            if ((stored ?? 0) !== active) plantedGroups.push(i + 1);
            await db.pool.query(`INSERT INTO community_groups (name, privacy, currency_id, member_count) VALUES ($1, 'public', 6, $2)`, [`G${i}`, stored]);
            for (const state of g.members) await db.pool.query(`INSERT INTO members (group_id, user_id, role, state) VALUES ($1, $2, 'member', $3)`, [i + 1, user++, state]);
          }
          // members of groups beyond the generated ones: their group does not exist (and counts for no group)
          const orphans: number[] = [];
          for (const g of orphanGroups) {
            const id = (await db.pool.query<{ id: number }>(`INSERT INTO members (group_id, user_id, role, state) VALUES ($1, $2, 'member', 'left') RETURNING id`, [groups.length + 1 + g, user++])).rows[0]!.id;
            orphans.push(id);
          }
          const wrongStreams: number[] = [];
          for (const [i, s] of streams.entries()) {
            if (streamTimesBreach({ state: s.state, started_at: s.started, ended_at: s.ended })) wrongStreams.push(i + 1);
            await db.pool.query(`INSERT INTO live_streams (host_id, title, state, currency_id, started_at, ended_at) VALUES (250, 'S', $1, 6, $2, $3)`, [s.state, s.started, s.ended]);
          }
          const idsOf = async (id: string, table: string) => (await rule(id).check(sides, 'source')).map((b) => b.ids[table]![0]);
          expect(await idsOf('community-member-count-computed', 'community_groups')).toEqual(plantedGroups);
          expect(await idsOf('community-member-group-exists', 'members')).toEqual(orphans);
          expect(await idsOf('live-stream-times-follow-state', 'live_streams')).toEqual(wrongStreams);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('ficus reconcile M03 M07 M08: the monolith keeps the rules; planted breaches are reported and the member count repaired on the owner', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const pools = new DatabasePools('biz-rules-test');
  const request = (): ReconcileModulesOptions & { pools: DatabasePools } => ({
    sourceUrl: legacy.url,
    modules: ['M03', 'M07', 'M08'],
    serviceUrlFor: (name) => (name === 'biz' ? service.url : testClusterUrl('t_no_such_service_database')),
    pools,
  });
  const reconcile = () => reconcileModules(request());
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;
  const onBoth = (sql: string, values: unknown[] = []) => Promise.all([legacy, service].map((db) => db.pool.query(sql, values)));
  const planted = { group: 0, member: 0, orphan: 0, stream: 0, dashboard: 0 };

  beforeAll(async () => {
    // svc_biz stands as a backfilled copy: the monolith's rows under the same names.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  }, 120_000);
  afterAll(async () => {
    await pools.closeAll();
    await Promise.all([legacy?.drop(), service?.drop()]);
  });

  it("the monolith's data (20 groups, 500 members, 30 streams, 165 dashboards) keeps every biz rule on both sides", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => BIZ_RULES.some((b) => b.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual(
      BIZ_RULES.flatMap((r) => [`${r.id}/source: ok`, `${r.id}/target: ok`]).sort(),
    );
    expect(report.status).toBe('clean');
  });

  it('reports a stale member count, a member of a deleted group, a live stream with an end and a mid-month dashboard, on both sides', async () => {
    // a member leaves as a write that skipped the recompute would leave it
    const member = (await legacy.pool.query(`SELECT id, group_id FROM members WHERE state = 'active' ORDER BY id LIMIT 1`)).rows[0];
    Object.assign(planted, { member: member.id, group: member.group_id });
    await onBoth(`UPDATE members SET state = 'left' WHERE id = $1`, [planted.member]);
    // a member whose group is gone, where no foreign key cascades (as in svc_biz)
    await onBoth(`ALTER TABLE members DROP CONSTRAINT IF EXISTS members_group_id_fkey`);
    planted.orphan = (await legacy.pool.query(`SELECT max(id) + 1 AS id FROM members`)).rows[0].id;
    await onBoth(`INSERT INTO members (id, group_id, user_id, role, state) VALUES ($1, 999, 7, 'member', 'active')`, [planted.orphan]);
    planted.stream = (await legacy.pool.query(`SELECT id FROM live_streams WHERE state = 'live' ORDER BY id LIMIT 1`)).rows[0].id;
    await onBoth(`UPDATE live_streams SET ended_at = started_at + interval '1 hour' WHERE id = $1`, [planted.stream]);
    planted.dashboard = (await legacy.pool.query(`SELECT id FROM biz_dashboards ORDER BY id LIMIT 1`)).rows[0].id;
    await onBoth(`UPDATE biz_dashboards SET period = period + 14 WHERE id = $1`, [planted.dashboard]);

    const report = await reconcile();
    for (const side of ['source', 'target'] as const) {
      expect(breaches(report, 'community-member-count-computed', side).map((b) => ({ ids: b.ids.community_groups, kind: b.repair?.kind })), side).toEqual([{ ids: [planted.group], kind: 'recompute-member-count' }]);
      expect(breaches(report, 'community-member-group-exists', side).map((b) => ({ ids: b.ids.members, group: b.ids.community_groups })), side).toEqual([{ ids: [planted.orphan], group: [999] }]);
      expect(breaches(report, 'live-stream-times-follow-state', side).map((b) => b.detail), side).toEqual([expect.stringMatching(new RegExp(`^live stream ${planted.stream} .* is live but has an end$`))]);
      expect(breaches(report, 'dashboard-period-first-of-month', side).map((b) => b.ids.biz_dashboards), side).toEqual([[planted.dashboard]]);
    }
    expect(report.status).not.toBe('clean');
  });

  it('--repair writes the member count once, on the monolith (M08 still legacy), from the members; the others are left for a person; applied again it writes nothing', async () => {
    const sides = ruleRepairSides(request());
    const plan = await planRuleRepairs(await reconcile(), sides.ownerOf);
    expect(plan.steps.map((s) => `${s.repair.kind} → ${s.side} (${s.owner})`)).toEqual(['recompute-member-count → source (legacy)']);
    expect(plan.steps[0]!.sql).toContain(`WHERE id = ${planted.group} AND member_count IS DISTINCT FROM`);
    expect([...new Set(plan.leftOver.map((l) => l.rule))].sort()).toEqual(['community-member-group-exists', 'dashboard-period-first-of-month', 'live-stream-times-follow-state']);
    expect((await applyRuleRepairs(plan, sides.pools)).map((r) => r.written)).toEqual([true]);

    const count = async (db: TestDatabase) => (await db.pool.query(`SELECT member_count, (SELECT count(*)::int FROM members WHERE group_id = $1 AND state = 'active') AS active, write_uid FROM community_groups WHERE id = $1`, [planted.group])).rows[0];
    const mended = await count(legacy);
    expect(mended.member_count).toBe(mended.active);
    expect(mended.write_uid).toBe(1);
    // nothing written into the copy: the sync carries the owner's rows
    expect((await count(service)).member_count).toBe(mended.active + 1);

    expect(breaches(await reconcile(), 'community-member-count-computed', 'source')).toEqual([]);
    expect((await applyRuleRepairs(plan, sides.pools)).map((r) => r.written)).toEqual([false]);
  });
});
