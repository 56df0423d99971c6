import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabasePools, OPS_RULES, reconcileModules, type BusinessRule, type ReconcileReport, type RuleResult } from '../../../migration/reconcile/index.ts';
import { pythonRound2 } from '../../../migration/legacy-addons/hp-growth.ts';
import { OPS_MIGRATIONS } from '../../../services/ops/db/migrations.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The reconcile rules of M05, M17 and M18: a coach's stored rating average is Python's
 * round(mean, 2) of the ratings received, no rule has two open alerts on one record, no alert
 * names a rule that is gone. Checked against generated tables with planted faults (exactly those
 * reported), and against the monolith's data (clean on both sides) with breaches planted in it.
 */
const rule = (id: string): BusinessRule => OPS_RULES.find((r) => r.id === id)!;

describe('M05/M17/M18 rules on generated tables', () => {
  let db: TestDatabase;
  const sides = { source: () => db.pool, target: () => db.pool };

  beforeAll(async () => {
    db = await emptyDatabase('ops_rules');
    for (const m of OPS_MIGRATIONS.filter((x) => x.id.startsWith('0001'))) await db.pool.query(m.sql);
    await db.pool.query('CREATE TABLE res_users (id serial PRIMARY KEY, coach_rating_avg numeric)');
  });
  afterAll(async () => db?.drop());

  const coachArb = fc.record({
    scores: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 9 }),
    // a stored average off by a hundredth or more, or never written, when planted
    planted: fc.option(fc.oneof(fc.constant<number | null>(null), fc.integer({ min: -150, max: 150 }).filter((d) => d !== 0).map((d) => d / 100)), { nil: undefined }),
  });
  const alertArb = fc.record({ rule: fc.integer({ min: 1, max: 5 }), resId: fc.integer({ min: 1, max: 4 }), user: fc.constantFrom(null, 301, 302), state: fc.constantFrom('open', 'investigating', 'resolved', 'false_positive') });

  it('report exactly the coaches whose stored average is not their ratings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(coachArb, { minLength: 1, maxLength: 8 }), async (coaches) => {
        await db.pool.query('TRUNCATE res_users, ratings RESTART IDENTITY');
        const planted: number[] = [];
        for (const [i, c] of coaches.entries()) {
          const mean = c.scores.length ? pythonRound2(c.scores.reduce((a, b) => a + b, 0) / c.scores.length) : 0;
          const stored = c.planted === undefined ? mean : c.planted === null ? null : Math.round((mean + c.planted) * 100) / 100;
          if (Math.abs((stored ?? 0) - mean) >= 0.005) planted.push(i + 1);
          await db.pool.query('INSERT INTO res_users (coach_rating_avg) VALUES ($1)', [stored]);
          for (const score of c.scores) await db.pool.query('INSERT INTO ratings (coach_id, score) VALUES ($1, $2)', [i + 1, score]);
        }
        expect((await rule('coach-rating-avg-computed').check(sides, 'source')).map((b) => b.ids.res_users![0])).toEqual(planted);
      }),
      { numRuns: 40 },
    );
  });

  it("report exactly a rule's second open alert on a record for one user, and alerts of rules that are gone", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(alertArb, { maxLength: 16 }), fc.integer({ min: 0, max: 5 }), async (alerts, rules) => {
        await db.pool.query('TRUNCATE risk_rules, risk_alerts RESTART IDENTITY');
        for (let i = 1; i <= rules; i++) await db.pool.query(`INSERT INTO risk_rules (name, code, model_name, severity, condition, active) VALUES ('R', $1, 'hp.rating', 'low', '[]', true)`, [`R${i}`]);
        const open = new Map<string, number[]>();
        for (const [i, a] of alerts.entries()) {
          await db.pool.query(`INSERT INTO risk_alerts (rule_id, res_model, res_id, user_id, severity, state) VALUES ($1, 'hp.rating', $2, $3, 'low', $4)`, [a.rule, a.resId, a.user, a.state]);
          const key = `${a.rule}/${a.resId}/${a.user ?? 0}`;
          if (a.state === 'open') open.set(key, [...(open.get(key) ?? []), i + 1]);
        }
        const twice = [...open.entries()].filter(([, ids]) => ids.length > 1).sort(([a], [b]) => {
          const [ra, xa, ua] = a.split('/').map(Number);
          const [rb, xb, ub] = b.split('/').map(Number);
          return ra! - rb! || xa! - xb! || ua! - ub!;
        }).map(([, ids]) => ids);
        expect((await rule('risk-open-alert-unique').check(sides, 'source')).map((b) => b.ids.risk_alerts)).toEqual(twice);
        expect((await rule('risk-alert-rule-exists').check(sides, 'source')).map((b) => b.ids.risk_alerts![0])).toEqual(alerts.flatMap((a, i) => (a.rule > rules ? [i + 1] : [])));
      }),
      { numRuns: 40 },
    );
  });
});

describe('ficus reconcile M05 M17 M18: the monolith keeps the rules; planted breaches are reported on the side they are on', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const pools = new DatabasePools('ops-rules-test');
  const reconcile = () => reconcileModules({
    sourceUrl: legacy.url, modules: ['M05', 'M17', 'M18'], pools,
    serviceUrlFor: (name) => (name === 'ops' ? service.url : testClusterUrl('t_no_such_service_database')),
  });
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;

  beforeAll(async () => {
    // svc_ops stands as a backfilled copy: the monolith's rows under the same names.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  }, 120_000);
  afterAll(async () => {
    await pools.closeAll();
    await Promise.all([legacy?.drop(), service?.drop()]);
  });

  it("the monolith's data keeps every ops rule on both sides", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => OPS_RULES.some((b) => b.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual(
      OPS_RULES.flatMap((r) => [`${r.id}/source: ok`, `${r.id}/target: ok`]).sort(),
    );
  });

  it("a rating the service holds that the coach's stored average does not count, and a scan's second open alert of a rule on a record, are reported on the service's side only", async () => {
    const { rows: [coach] } = await legacy.pool.query<{ coach_id: number }>('SELECT coach_id FROM ratings GROUP BY coach_id ORDER BY count(*) DESC, coach_id LIMIT 1');
    await service.pool.query(`INSERT INTO ratings (coach_id, score) VALUES ($1, 1), ($1, 1), ($1, 1)`, [coach!.coach_id]);
    const ruleId = (await service.pool.query<{ id: number }>(`INSERT INTO risk_rules (name, code, model_name, severity, condition, active) VALUES ('Planted', 'PLANTED', 'hp.rating', 'low', '[]', true) RETURNING id`)).rows[0]!.id;
    await service.pool.query(`INSERT INTO risk_alerts (rule_id, res_model, res_id, severity, state) VALUES ($1, 'hp.rating', 7, 'low', 'open'), ($1, 'hp.rating', 7, 'low', 'open')`, [ruleId]);
    const report = await reconcile();
    expect(breaches(report, 'coach-rating-avg-computed', 'source')).toEqual([]);
    expect(breaches(report, 'coach-rating-avg-computed', 'target').map((b) => b.ids.res_users)).toEqual([[coach!.coach_id]]);
    expect(breaches(report, 'risk-open-alert-unique', 'source')).toEqual([]);
    expect(breaches(report, 'risk-open-alert-unique', 'target').map((b) => b.ids.risk_rules)).toEqual([[ruleId]]);
    expect(report.status).not.toBe('clean');
  });
});
