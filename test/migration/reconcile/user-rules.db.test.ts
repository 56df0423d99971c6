import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRuleRepairs,
  DatabasePools,
  describeRuleRepairPlan,
  planRuleRepairs,
  reconcileModules,
  ruleRepairSides,
  USER_RULES,
  type BusinessRule,
  type ReconcileModulesOptions,
  type ReconcileReport,
  type RuleResult,
} from '../../../migration/reconcile/index.ts';
import { pyRound2 as pythonRound2 } from '../../../odoo-bridge/orm/python-round.ts';
import { goalProgress, riskLevel } from '../../../migration/reconcile/user-rules.ts';
import { USER_MIGRATIONS } from '../../../services/user/db/migrations.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * M02's reconcile rules: a health goal's stored progress and an assessment's stored risk level
 * are what the addon computes from the row, and no health record names a device binding that is
 * gone. The computes are checked against CPython's answers; the rules against the monolith's data
 * (clean), against generated tables with planted faults (exactly those reported, never a clean
 * row), and `--repair` against breaches planted in the owner (the monolith, M02 still legacy)
 * and its copy (svc_user): one write each, on the owner, safe to run twice, and no breach names
 * a health value.
 */
const rule = (id: string): BusinessRule => USER_RULES.find((r) => r.id === id)!;

describe('the addon computes, restated', () => {
  // [goal_type, target_value, current_value, progress] as CPython 3 computes `_compute_progress` (min(100.0, round(…, 2))).
  const PYTHON: [string, number, number, number][] = [
    ['steps', 10000, 3500, 35.0], ['steps', 10000, 10400, 100.0], ['steps', 9500, 7250, 76.32], ['sleep', 7.5, 5.5, 73.33], ['sleep', 7.1, 6.8, 95.77],
    ['weight', 68, 79.5, 85.53], ['weight', 68.5, 73.2, 93.58], ['glucose', 5.6, 7.8, 71.79], ['glucose', 6.1, 5.4, 100.0], ['steps', 8, 1, 12.5],
    ['steps', 800, 1, 0.12], ['steps', 3, 1, 33.33], ['weight', 1, 8, 12.5], ['glucose', 2.675, 100, 2.67], ['steps', 100, 66.665, 66.67],
    ['sleep', 0, 5, 0.0], ['sleep', 7, 0, 0.0], ['weight', 60, 0, 0.0], ['steps', 7, 3, 42.86], ['weight', 3, 7, 42.86], ['sleep', 1000, 1.25, 0.12],
    ['steps', 100000, 33.335, 0.03],
  ];

  it.each(PYTHON)('progress of a %s goal %d / %d is %d, as in Python', (goalType, target, current, progress) => {
    expect(goalProgress(goalType, target, current)).toBe(progress);
  });

  it("round(x, 2) of an exact tie goes to the even hundredth, anything else to the nearest of the float's exact value", () => {
    // 0.125, 0.375 are exact ties; 2.675 and 1.005 are floats just below their decimal text.
    expect([0.125, 0.375, 0.625, 0.875, 2.675, 1.005, 66.665, -0.125].map(pythonRound2)).toEqual([0.12, 0.38, 0.62, 0.88, 2.67, 1, 66.67, -0.12]);
  });

  it('risk level: high from 70, medium from 40, low below and without a score', () => {
    expect([null, 0, 39, 40, 69, 70, 100].map(riskLevel)).toEqual(['low', 'low', 'low', 'medium', 'medium', 'high', 'high']);
  });
});

describe('M02 rules on generated tables', () => {
  let db: TestDatabase;
  const locate = () => db.pool;
  const sides = { source: locate, target: locate };

  beforeAll(async () => {
    db = await emptyDatabase('user_rules');
    for (const m of USER_MIGRATIONS.filter((x) => x.id.startsWith('0001'))) await db.pool.query(m.sql);
  });
  afterAll(async () => db?.drop());

  const goalArb = fc.record({
    goalType: fc.constantFrom('steps', 'weight', 'sleep', 'glucose'),
    target: fc.option(fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 20000, noNaN: true })), { nil: null }),
    current: fc.option(fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 20000, noNaN: true })), { nil: null }),
    // a stored progress off by at least a hundredth, or missing, when planted
    planted: fc.option(fc.oneof(fc.constant<number | null>(null), fc.double({ min: 0.01, max: 50, noNaN: true }).chain((d) => fc.constantFrom(d, -d))), { nil: undefined }),
  });
  const assessmentArb = fc.record({
    score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    planted: fc.option(fc.constantFrom('low', 'medium', 'high', null), { nil: undefined }),
  });

  it('report exactly the goals whose stored progress is not the compute, the assessments whose level is not the score\'s, and the records naming a missing device', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(goalArb, { minLength: 1, maxLength: 25 }),
        fc.array(assessmentArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.record({ device: fc.option(fc.nat({ max: 6 }), { nil: null }) }), { minLength: 1, maxLength: 15 }),
        fc.uniqueArray(fc.nat({ max: 6 }), { maxLength: 7 }),
        async (goals, assessments, records, bindings) => {
          await db.pool.query('TRUNCATE health_goals, assessments, health_records, device_bindings RESTART IDENTITY');
          const plantedGoals: number[] = [];
          for (const [i, g] of goals.entries()) {
            const computed = goalProgress(g.goalType, g.target, g.current);
            let stored: number | null = computed;
            if (g.planted !== undefined) {
              stored = g.planted === null ? null : Math.max(0, computed + g.planted);
              // a null progress of a goal computing 0 is what Odoo stores for one never given values: not a breach
              const breach = stored === null ? computed !== 0 || (!!g.target && !!g.current) : Math.abs(stored - computed) >= 1e-9;
              if (breach) plantedGoals.push(i + 1);
            }
            await db.pool.query(`INSERT INTO health_goals (user_id, goal_type, state, target_value, current_value, progress) VALUES (7, $1, 'active', $2, $3, $4)`, [g.goalType, g.target, g.current, stored]);
          }
          const plantedAssessments: number[] = [];
          for (const [i, a] of assessments.entries()) {
            const stored = a.planted === undefined ? riskLevel(a.score) : a.planted;
            if (stored !== riskLevel(a.score)) plantedAssessments.push(i + 1);
            await db.pool.query(`INSERT INTO assessments (user_id, coach_id, assessment_type, score, risk_level) VALUES (7, 250, 'general', $1, $2)`, [a.score, stored]);
          }
          for (const id of bindings) await db.pool.query(`INSERT INTO device_bindings (id, user_id, device_type, serial, active) VALUES ($1, 7, 'watch', $2, true)`, [id, `S-${id}`]);
          const dangling: number[] = [];
          for (const [i, r] of records.entries()) {
            if (r.device !== null && !bindings.includes(r.device)) dangling.push(i + 1);
            await db.pool.query(`INSERT INTO health_records (user_id, record_type, measured_at, value, device_binding_id) VALUES (7, 'steps', '2026-12-01 08:00:00', 100, $1)`, [r.device]);
          }
          const idsOf = async (id: string, table: string) => (await rule(id).check(sides, 'source')).map((b) => b.ids[table]![0]);
          expect(await idsOf('goal-progress-computed', 'health_goals')).toEqual(plantedGoals);
          expect(await idsOf('assessment-risk-level-computed', 'assessments')).toEqual(plantedAssessments);
          expect(await idsOf('health-record-device-exists', 'health_records')).toEqual(dangling);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('ficus reconcile M02: the monolith keeps the rules; planted breaches are reported without health values and repaired on the owner', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const pools = new DatabasePools('user-rules-test');
  const request = (): ReconcileModulesOptions & { pools: DatabasePools } => ({
    sourceUrl: legacy.url,
    modules: ['M02'],
    serviceUrlFor: (name) => (name === 'user' ? service.url : testClusterUrl('t_no_such_service_database')),
    pools,
  });
  const reconcile = () => reconcileModules(request());
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;
  const onBoth = (sql: string, values: unknown[] = []) => Promise.all([legacy, service].map((db) => db.pool.query(sql, values)));
  const planted = { goal: 0, assessment: 0, record: 0, binding: 0 };

  beforeAll(async () => {
    // svc_user stands as a backfilled copy: the monolith's M02 rows under the same names.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  }, 120_000);
  afterAll(async () => {
    await pools.closeAll();
    await Promise.all([legacy?.drop(), service?.drop()]);
  });

  it("the monolith's M02 data (300 goals, 200 assessments, 6000 records) keeps every M02 rule on both sides", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => USER_RULES.some((u) => u.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual([
      'assessment-risk-level-computed/source: ok', 'assessment-risk-level-computed/target: ok',
      'goal-progress-computed/source: ok', 'goal-progress-computed/target: ok',
      'health-record-device-exists/source: ok', 'health-record-device-exists/target: ok',
    ]);
    expect(report.status).toBe('clean');
  });

  it('reports a stale progress, a stale risk level and a record naming a deleted device, on both sides, naming ids and never the values', async () => {
    const goal = (await legacy.pool.query(`SELECT id FROM health_goals WHERE goal_type = 'weight' AND target_value > 0 AND current_value > 0 ORDER BY id LIMIT 1`)).rows[0];
    planted.goal = goal.id;
    // current_value changed as if written without the recompute (a sync that dropped the progress column, say)
    await onBoth(`UPDATE health_goals SET current_value = 12345.678 WHERE id = $1`, [planted.goal]);
    const assessment = (await legacy.pool.query(`SELECT id FROM assessments WHERE risk_level = 'low' ORDER BY id LIMIT 1`)).rows[0];
    planted.assessment = assessment.id;
    await onBoth(`UPDATE assessments SET score = 97 WHERE id = $1`, [planted.assessment]);
    const record = (await legacy.pool.query(`SELECT id, device_binding_id FROM health_records WHERE device_binding_id IS NOT NULL ORDER BY id LIMIT 1`)).rows[0];
    Object.assign(planted, { record: record.id, binding: record.device_binding_id });
    // the binding deleted where no foreign key empties the records (as in svc_user)
    await onBoth(`ALTER TABLE health_records DROP CONSTRAINT IF EXISTS health_records_device_binding_id_fkey`);
    await onBoth(`DELETE FROM device_bindings WHERE id = $1`, [planted.binding]);

    const report = await reconcile();
    for (const side of ['source', 'target'] as const) {
      expect(breaches(report, 'goal-progress-computed', side).map((b) => ({ ids: b.ids.health_goals, kind: b.repair?.kind })), side).toEqual([{ ids: [planted.goal], kind: 'recompute-goal-progress' }]);
      expect(breaches(report, 'assessment-risk-level-computed', side).map((b) => ({ ids: b.ids.assessments, kind: b.repair?.kind })), side).toEqual([{ ids: [planted.assessment], kind: 'recompute-risk-level' }]);
      expect(breaches(report, 'health-record-device-exists', side).map((b) => ({ ids: b.ids.health_records, binding: b.ids.device_bindings, kind: b.repair?.kind })), side).toEqual([
        { ids: [planted.record], binding: [planted.binding], kind: 'unlink-missing-device' },
      ]);
    }
    const details = report.rules.flatMap((r) => r.breaches.map((b) => b.detail)).join('\n');
    // no measured value, score or level in what the report and the plan print
    expect(details).not.toContain('12345');
    expect(details).not.toMatch(/\b(high|medium|low)\b|score \d/);
    const plan = describeRuleRepairPlan(await planRuleRepairs(report, ruleRepairSides(request()).ownerOf));
    expect(plan).not.toContain('12345');
    expect(plan).not.toMatch(/score = \d|risk_level = '/);
  });

  it('--repair writes each mend once, on the monolith (M02 still legacy), computing as the addon does; applied again it writes nothing', async () => {
    const sides = ruleRepairSides(request());
    const plan = await planRuleRepairs(await reconcile(), sides.ownerOf);
    expect(plan.steps.map((s) => `${s.repair.kind} → ${s.side} (${s.owner})`).sort()).toEqual([
      'recompute-goal-progress → source (legacy)', 'recompute-risk-level → source (legacy)', 'unlink-missing-device → source (legacy)',
    ]);
    // each breach is seen in the owner and in its copy: the same write, planned once, on the owner
    expect(plan.leftOver).toEqual([]);
    expect((await applyRuleRepairs(plan, sides.pools)).map((r) => r.written)).toEqual([true, true, true]);

    const goal = (await legacy.pool.query(`SELECT target_value, current_value, progress, write_uid FROM health_goals WHERE id = $1`, [planted.goal])).rows[0];
    expect(goal.progress).toBe(goalProgress('weight', goal.target_value, goal.current_value));
    expect(goal.write_uid).toBe(1);
    expect((await legacy.pool.query(`SELECT risk_level FROM assessments WHERE id = $1`, [planted.assessment])).rows[0].risk_level).toBe('high');
    expect((await legacy.pool.query(`SELECT device_binding_id FROM health_records WHERE id = $1`, [planted.record])).rows[0].device_binding_id).toBeNull();
    // nothing written into the copy: the sync carries the owner's rows
    expect((await service.pool.query(`SELECT risk_level FROM assessments WHERE id = $1`, [planted.assessment])).rows[0].risk_level).toBe('low');

    const after = await reconcile();
    for (const id of ['goal-progress-computed', 'assessment-risk-level-computed', 'health-record-device-exists']) expect(breaches(after, id, 'source'), id).toEqual([]);
    expect((await applyRuleRepairs(plan, sides.pools)).map((r) => r.written)).toEqual([false, false, false]);
  });

  it('a goal written again after the check is left alone by its repair (the next check decides)', async () => {
    await legacy.pool.query(`UPDATE health_goals SET current_value = 222.5, progress = 1 WHERE id = $1`, [planted.goal]);
    const sides = ruleRepairSides(request());
    const plan = await planRuleRepairs(await reconcile(), sides.ownerOf);
    const step = plan.steps.find((s) => s.repair.kind === 'recompute-goal-progress')!;
    await legacy.pool.query(`UPDATE health_goals SET current_value = 70, write_date = now() WHERE id = $1`, [planted.goal]);
    expect((await applyRuleRepairs({ steps: [step], leftOver: [] }, sides.pools)).map((r) => r.written)).toEqual([false]);
    expect((await legacy.pool.query(`SELECT progress FROM health_goals WHERE id = $1`, [planted.goal])).rows[0].progress).toBe(1);
  });
});
