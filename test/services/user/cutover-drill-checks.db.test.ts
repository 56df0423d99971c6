import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkM02Side, m02Baseline, type M02Baseline } from '../../../bench/drill/user-drill-checks.ts';
import type { UserLoadReport } from '../../../bench/drill/user-load.ts';
import { emptyCallFigures } from '../../../bench/drill/call-recorder.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// The M02 drill passes only if these checks find nothing: each must find what is planted.
describe('M02 drill checks catch lost, doubled and wrong rows', () => {
  let db: TestDatabase;
  let before: M02Baseline;
  const users = [6, 7];
  const report: UserLoadReport = {
    ...emptyCallFigures(['xmlrpc', 'jsonrpc', 'rest'] as const),
    records: [], syncedReadings: [], goals: [], bindings: [], assessments: [], readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], memberIds: users, coachIds: [250],
  };
  const insert = async (sql: string, values: unknown[]) => (await db.pool.query<{ id: number }>(`${sql} RETURNING id`, values)).rows[0]!.id;

  beforeAll(async () => {
    db = await legacyDatabase();
    before = await m02Baseline(db.pool, users);
    // What a clean drill leaves: each row once, as its last accepted write left it.
    report.records.push({ id: await insert(`INSERT INTO health_records (user_id, record_type, value, measured_at) VALUES (6, 'steps', 4200, '2026-12-06 08:00:00')`, []), userId: 6, recordType: 'steps', value: 4200, value2: null, deviceBindingId: null, via: 'rpc' });
    report.goals.push({ id: await insert(`INSERT INTO health_goals (user_id, goal_type, state, target_value, current_value, progress) VALUES (7, 'weight', 'active', 68, 73.2, 92.9)`, []), userId: 7, goalType: 'weight', target: 68, current: 73.2, state: 'active', via: 'rpc' });
    const binding = await insert(`INSERT INTO device_bindings (user_id, device_type, serial, active) VALUES (6, 'band', 'UD-1', true)`, []);
    report.bindings.push({ id: binding, userId: 6, deviceType: 'band', serial: 'UD-1', active: true, via: 'rest' });
    report.assessments.push({ id: await insert(`INSERT INTO assessments (user_id, coach_id, assessment_type, score, risk_level) VALUES (7, 250, 'general', 70, 'high')`, []), userId: 7, coachId: 250, score: 70, via: 'rpc' });
    await insert(`INSERT INTO health_records (user_id, record_type, value, measured_at, device_binding_id, source) VALUES (6, 'steps', 800, '2026-12-05 07:00:01', $1, 'device')`, [binding]);
    report.syncedReadings.push({ userId: 6, bindingId: binding, recordType: 'steps', measuredAt: '2026-12-05 07:00:01', value: 800 });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  const clean = { side: 'legacy', missing: [], extra: [], wrong: [] };

  it('finds nothing when every row is the one answered, as last written', async () => {
    expect(before.health_goals.size).toBeGreaterThan(0); // the demo members' own rows are left out
    expect(await checkM02Side('legacy', db.pool, before, report)).toEqual(clean);
  });

  it('a row answered but absent is missing; a synced reading not stored is missing', async () => {
    const check = await checkM02Side('legacy', db.pool, before, {
      ...report,
      assessments: [...report.assessments, { id: 2_000_000_000, userId: 6, coachId: 250, score: 10, via: 'rpc' }],
      syncedReadings: [...report.syncedReadings, { userId: 6, bindingId: report.bindings[0]!.id, recordType: 'steps', measuredAt: '2026-12-05 07:00:02', value: 900 }],
    });
    expect(check.missing).toEqual([`health_records synced reading ${report.bindings[0]!.id}/steps/2026-12-05 07:00:02`, 'assessments #2000000000']);
    expect(check.extra).toEqual([]);
  });

  it('a row of a drill member that no client was answered is extra, and so is a synced reading stored twice', async () => {
    const stray = await insert(`INSERT INTO health_goals (user_id, goal_type, state, target_value) VALUES (6, 'steps', 'active', 9000)`, []);
    const twice = await insert(`INSERT INTO health_records (user_id, record_type, value, measured_at, device_binding_id, source) VALUES (6, 'steps', 800, '2026-12-05 07:00:01', $1, 'device')`, [report.bindings[0]!.id]);
    try {
      const check = await checkM02Side('legacy', db.pool, before, report);
      expect(check.extra.sort()).toEqual([`health_goals #${stray}`, `health_records #${twice} (synced reading ${report.bindings[0]!.id}/steps/2026-12-05 07:00:01 again)`].sort());
      expect(check.missing).toEqual([]);
    } finally {
      await db.pool.query('DELETE FROM health_goals WHERE id = $1', [stray]);
      await db.pool.query('DELETE FROM health_records WHERE id = $1', [twice]);
    }
  });

  it("a row that differs from its last accepted write is wrong: a goal's progress, a binding left bound, an assessment's level", async () => {
    const [goal, binding, assessment] = [report.goals[0]!.id, report.bindings[0]!.id, report.assessments[0]!.id];
    await db.pool.query(`UPDATE health_goals SET progress = 93 WHERE id = $1`, [goal]);
    await db.pool.query(`UPDATE assessments SET risk_level = 'medium' WHERE id = $1`, [assessment]);
    try {
      const check = await checkM02Side('legacy', db.pool, before, { ...report, bindings: [{ ...report.bindings[0]!, active: false }] });
      expect(check.wrong.map((w) => w.split(':')[0])).toEqual([`health_goals #${goal}`, `device_bindings #${binding}`, `assessments #${assessment}`]);
      expect(check.missing).toEqual([]);
      expect(check.extra).toEqual([]);
    } finally {
      await db.pool.query(`UPDATE health_goals SET progress = 92.9 WHERE id = $1`, [goal]);
      await db.pool.query(`UPDATE assessments SET risk_level = 'high' WHERE id = $1`, [assessment]);
    }
  });
});
