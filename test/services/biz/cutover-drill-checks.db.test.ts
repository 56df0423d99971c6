import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bizBaseline, checkBizSide, type BizBaseline } from '../../../bench/drill/biz-drill-checks.ts';
import type { BizLoadReport } from '../../../bench/drill/biz-load.ts';
import { emptyCallFigures } from '../../../bench/drill/call-recorder.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// The biz drill passes only if these checks find nothing: each must find what is planted.
describe('biz drill checks catch lost, doubled and wrong rows', () => {
  let db: TestDatabase;
  let before: BizBaseline;
  const members = [6, 7];
  const coaches = [250, 251];
  const report: BizLoadReport = {
    ...emptyCallFigures(['xmlrpc', 'jsonrpc', 'rest'] as const),
    streams: [], groups: [], memberships: [], readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], memberIds: members, coachIds: coaches,
  };
  const insert = async (sql: string, values: unknown[] = []) => (await db.pool.query<{ id: number }>(`${sql} RETURNING id`, values)).rows[0]!.id;

  beforeAll(async () => {
    db = await legacyDatabase();
    before = await bizBaseline(db.pool, { members, coaches });
    // What a clean drill leaves: each row once, as its last accepted write left it.
    const scheduled = await insert(`INSERT INTO live_streams (host_id, title, stream_key, state, currency_id) VALUES (250, 'Drill s1', 'drill-k1', 'scheduled', 6)`);
    const ended = await insert(`INSERT INTO live_streams (host_id, title, state, currency_id, viewer_peak, started_at, ended_at) VALUES (251, 'Drill s2', 'ended', 6, 120, '2026-12-06 10:00:00', '2026-12-06 11:00:00')`);
    report.streams.push(
      { id: scheduled, hostId: 250, title: 'Drill s1', streamKey: 'drill-k1', state: 'scheduled', viewerPeak: 0, via: 'rpc' },
      { id: ended, hostId: 251, title: 'Drill s2', streamKey: null, state: 'ended', viewerPeak: 120, via: 'rest' },
    );
    const group = await insert(`INSERT INTO community_groups (owner_id, name, privacy, currency_id, member_count) VALUES (250, 'Drill g1', 'public', 6, 1)`);
    report.groups.push({ id: group, ownerId: 250, name: 'Drill g1', via: 'rpc' });
    const active = await insert(`INSERT INTO members (group_id, user_id, role, state) VALUES ($1, 6, 'member', 'active')`, [group]);
    const left = await insert(`INSERT INTO members (group_id, user_id, role, state) VALUES ($1, 7, 'member', 'left')`, [group]);
    report.memberships.push({ id: active, groupId: group, userId: 6, state: 'active', via: 'rpc' }, { id: left, groupId: group, userId: 7, state: 'left', via: 'rest' });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  const clean = { side: 'legacy', missing: [], extra: [], wrong: [] };

  it('finds nothing when every row is the one answered, as last written', async () => {
    expect(before.members.size).toBeGreaterThan(0); // the demo members' own memberships are left out
    expect(before.live_streams.size).toBeGreaterThan(0);
    expect(await checkBizSide('legacy', db.pool, before, report)).toEqual(clean);
  });

  it('a row answered but absent is missing', async () => {
    const check = await checkBizSide('legacy', db.pool, before, {
      ...report,
      streams: [...report.streams, { id: 2_000_000_000, hostId: 250, title: 'gone', streamKey: null, state: 'scheduled', viewerPeak: 0, via: 'rpc' }],
      memberships: [...report.memberships, { id: 2_000_000_001, groupId: report.groups[0]!.id, userId: 7, state: 'banned', via: 'rpc' }],
    });
    expect(check.missing).toEqual(['live_streams #2000000000', 'members #2000000001']);
    expect(check.extra).toEqual([]);
  });

  it('a row of a drill user that no client was answered is extra: a stream, a group, a membership written twice', async () => {
    const stream = await insert(`INSERT INTO live_streams (host_id, title, state, currency_id) VALUES (251, 'Drill s1', 'scheduled', 6)`);
    const group = await insert(`INSERT INTO community_groups (owner_id, name, privacy, currency_id, member_count) VALUES (251, 'Drill g1', 'public', 6, 0)`);
    const twice = await insert(`INSERT INTO members (group_id, user_id, role, state) VALUES ($1, 6, 'member', 'active')`, [group]);
    try {
      const check = await checkBizSide('legacy', db.pool, before, report);
      expect(check.extra.sort()).toEqual([`community_groups #${group}`, `live_streams #${stream}`, `members #${twice}`].sort());
      expect(check.missing).toEqual([]);
    } finally {
      await db.pool.query('DELETE FROM members WHERE id = $1', [twice]);
      await db.pool.query('DELETE FROM community_groups WHERE id = $1', [group]);
      await db.pool.query('DELETE FROM live_streams WHERE id = $1', [stream]);
    }
  });

  it("a row that differs from its last accepted write is wrong: a stream's state or times, a group's member count, a membership's state", async () => {
    const [scheduled, ended] = report.streams.map((s) => s.id);
    const group = report.groups[0]!.id;
    const left = report.memberships[1]!.id;
    await db.pool.query(`UPDATE live_streams SET started_at = '2026-12-06 10:00:00' WHERE id = $1`, [scheduled]);
    await db.pool.query(`UPDATE live_streams SET viewer_peak = 121 WHERE id = $1`, [ended]);
    await db.pool.query(`UPDATE community_groups SET member_count = 2 WHERE id = $1`, [group]);
    await db.pool.query(`UPDATE members SET state = 'active' WHERE id = $1`, [left]);
    try {
      const check = await checkBizSide('legacy', db.pool, before, report);
      expect(check.wrong.map((w) => w.split(':')[0])).toEqual([`live_streams #${scheduled}`, `live_streams #${ended}`, `community_groups #${group}`, `members #${left}`]);
      // the group's count is wrong against the memberships the drill left active, whatever the table says
      expect(check.wrong[2]).toContain('with 1 active memberships');
      expect(check.missing).toEqual([]);
      expect(check.extra).toEqual([]);
    } finally {
      await db.pool.query(`UPDATE live_streams SET started_at = NULL WHERE id = $1`, [scheduled]);
      await db.pool.query(`UPDATE live_streams SET viewer_peak = 120 WHERE id = $1`, [ended]);
      await db.pool.query(`UPDATE community_groups SET member_count = 1 WHERE id = $1`, [group]);
      await db.pool.query(`UPDATE members SET state = 'left' WHERE id = $1`, [left]);
    }
  });
});
