import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedSeries, seededRandom } from './insight-synthetic.ts';
import { startAiAnalysisSide, type AiAnalysisSide } from './insight-sides.ts';

/**
 * GET /ai/insights/health end to end: a member's planted series read through the gateway as the
 * caller (M02 in phase legacy, so the monolith's engine and hp_personal's record rules answer),
 * analysed, stored in insights where M16 lives, and refused to anyone the rules do not let in.
 */
const MEMBER = 6;
const OTHER_MEMBER = 7;
const OPERATOR = 302;
const TO = '2026-12-01T00:00:00.000Z';
const DAYS = 120;
const WINDOW_FROM = '2026-08-03 00:00:00';
const WINDOW_TO = '2026-12-01 00:00:00';

async function plant(side: AiAnalysisSide, userId: number, shape: 'trend' | 'step', recordType: string, seed: number): Promise<void> {
  const planted = plantedSeries(seededRandom(seed), { shape, days: DAYS, readingsPerDay: 2, spikes: 0, recordType: recordType as 'weight' });
  const shift = Date.parse(`${WINDOW_FROM.replace(' ', 'T')}Z`) - planted.readings[0]!.measuredAt + 3_600_000;
  for (const r of planted.readings) {
    await side.legacy.query(`INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source, create_uid, write_uid, create_date, write_date)
      VALUES ($1, $2, $3, 'x', to_timestamp($4 / 1000.0) at time zone 'UTC', 'manual', $1, $1, now(), now())`, [userId, recordType, r.value, r.measuredAt + shift]);
  }
  // One wild reading the anomaly test must find.
  await side.legacy.query(`INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source) VALUES ($1, $2, 400, 'x', '2026-10-10 12:30:00', 'manual')`, [userId, recordType]);
}

async function idsDigest(side: AiAnalysisSide, userId: number): Promise<{ digest: string; count: number }> {
  const { rows } = await side.legacy.query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1 AND measured_at >= $2 AND measured_at < $3 ORDER BY id', [userId, WINDOW_FROM, WINDOW_TO]);
  return { digest: createHash('sha256').update(rows.map((r) => r.id).join(',')).digest('hex'), count: rows.length };
}

describe('GET /ai/insights/health (M02 and M16 in phase legacy)', () => {
  let side: AiAnalysisSide;
  let servingCoach: number;
  let servedMember: number;
  let idleCoach: number;

  beforeAll(async () => {
    side = await startAiAnalysisSide('legacy');
    await plant(side, MEMBER, 'trend', 'weight', 11);
    await plant(side, OTHER_MEMBER, 'step', 'heart_rate', 12);
    const { rows: [pair] } = await side.legacy.query<{ customer_id: number; health_worker_id: number }>(
      `SELECT customer_id, health_worker_id FROM service_orders WHERE state IN ('assigned','in_service','completed') AND health_worker_id IS NOT NULL AND customer_id BETWEEN 6 AND 245 ORDER BY id LIMIT 1`);
    servingCoach = pair!.health_worker_id;
    servedMember = pair!.customer_id;
    const { rows: [idle] } = await side.legacy.query<{ id: number }>(
      `SELECT u.id FROM res_users u WHERE u.id BETWEEN 246 AND 285 AND NOT EXISTS (SELECT 1 FROM service_orders o WHERE o.health_worker_id = u.id AND o.customer_id = $1) ORDER BY u.id LIMIT 1`, [servedMember]);
    idleCoach = idle!.id;
    await plant(side, servedMember, 'trend', 'blood_glucose', 13);
  }, 240_000);
  afterAll(async () => side?.stop());

  const ask = (uid: number, member?: number) => side.rest('GET', `/ai/insights/health?days=${DAYS}&to=${TO}${member ? `&member=${member}` : ''}`, uid);

  it("finds the member's planted trend and wild reading, from the member's readings only, and stores them once", async () => {
    const before = side.calls.length;
    const first = await ask(MEMBER);
    expect(first.status, first.text).toBe(200);
    const body = first.body;
    const expected = await idsDigest(side, MEMBER);
    expect(body.inputs).toEqual({ model: 'hp.health.record', readAs: { uid: MEMBER, relation: 'self' }, readings: expected.count, userIds: [MEMBER], recordIdsSha256: expected.digest });
    expect(body.provider).toMatchObject({ name: 'local-statistics', kind: 'statistics', model: null });
    const trend = body.insights.find((i: any) => i.kind === 'trend' && i.metric === 'weight');
    expect(trend, JSON.stringify(body.insights.map((i: any) => i.summary))).toBeDefined();
    expect(trend.data).toMatchObject({ n: DAYS, alpha: 0.01 });
    expect(trend.data.mannKendall.p).toBeLessThan(0.01);
    const wild = body.insights.find((i: any) => i.kind === 'anomaly' && i.metric === 'weight');
    expect(wild.data).toMatchObject({ value: 400, measuredAt: '2026-10-10T12:30:00.000Z' });
    expect(wild.severity).toBe('critical');
    // The other member's planted step is not in this member's answer.
    expect(body.insights.filter((i: any) => i.metric === 'heart_rate' && i.kind === 'change_point')).toEqual([]);
    // Read as the member, through the gateway, and only the member's records were asked for.
    const reads = side.calls.slice(before).filter((c) => c.model === 'hp.health.record');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.uid).toBe(MEMBER);
    expect((reads[0]!.args[0] as unknown[])[0]).toEqual(['user_id', '=', MEMBER]);

    const { rows } = await side.legacy.query<{ id: number; user_id: number; insight_type: string; data: any }>('SELECT id, user_id, insight_type, data FROM insights WHERE id = ANY($1::int[])', [body.insights.map((i: any) => i.id)]);
    expect(rows).toHaveLength(body.insights.length);
    expect(rows.every((r) => r.user_id === MEMBER)).toBe(true);
    expect(rows.find((r) => r.id === trend.id)!.data.slopePerDay).toBe(trend.data.slopePerDay);

    const again = await ask(MEMBER);
    expect(again.body.insights.map((i: any) => i.id)).toEqual(body.insights.map((i: any) => i.id));
    const { rows: [count] } = await side.legacy.query<{ n: string }>('SELECT count(*) AS n FROM insights WHERE user_id = $1 AND data ? \'key\'', [MEMBER]);
    expect(Number(count!.n)).toBe(body.insights.length);
    // And over Odoo RPC the member reads the stored findings as hp.ai.insight.
    const overRpc = (await side.rpc(MEMBER, 'hp.ai.insight', 'search_read', [[['id', '=', trend.id]], ['insight_type', 'severity', 'user_id']])) as any[];
    expect(overRpc).toEqual([{ id: trend.id, insight_type: 'trend', severity: trend.severity, user_id: [MEMBER, expect.any(String)] }]);
  });

  it("refuses a member asking for another member's insights (403) and reads nothing of theirs", async () => {
    const before = side.calls.length;
    const refused = await ask(MEMBER, OTHER_MEMBER);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(side.calls.slice(before).filter((c) => c.model === 'hp.health.record')).toEqual([]);
    const { rows: [count] } = await side.legacy.query<{ n: string }>('SELECT count(*) AS n FROM insights WHERE user_id = $1 AND data ? \'key\'', [OTHER_MEMBER]);
    expect(Number(count!.n)).toBe(0);
  });

  it('for any two members, one asking for the other is refused and nothing of the other is read (property)', async () => {
    const members = fc.integer({ min: 6, max: 245 });
    await fc.assert(fc.asyncProperty(members, members, async (caller, member) => {
      fc.pre(caller !== member);
      const before = side.calls.length;
      const answer = await ask(caller, member);
      expect(answer.status).toBe(403);
      expect(side.calls.slice(before).filter((c) => c.model === 'hp.health.record')).toEqual([]);
    }), { numRuns: 25, seed: 28 });
  });

  it('answers the operator for anyone, and the coach only for a member they serve', async () => {
    const byOperator = await ask(OPERATOR, OTHER_MEMBER);
    expect(byOperator.status, byOperator.text).toBe(200);
    expect(byOperator.body.inputs.readAs).toEqual({ uid: OPERATOR, relation: 'operator' });
    expect(byOperator.body.inputs.recordIdsSha256).toBe((await idsDigest(side, OTHER_MEMBER)).digest);
    const step = byOperator.body.insights.find((i: any) => i.kind === 'change_point' && i.metric === 'heart_rate');
    expect(step, JSON.stringify(byOperator.body.insights.map((i: any) => i.summary))).toBeDefined();
    expect(step.type).toBe('trend');
    expect(step.data.p).toBeLessThan(0.001);

    const byCoach = await ask(servingCoach, servedMember);
    expect(byCoach.status, byCoach.text).toBe(200);
    expect(byCoach.body.inputs).toMatchObject({ readAs: { uid: servingCoach, relation: 'coach' }, userIds: [servedMember], recordIdsSha256: (await idsDigest(side, servedMember)).digest });
    expect(byCoach.body.insights.some((i: any) => i.kind === 'trend' && i.metric === 'blood_glucose')).toBe(true);

    const byIdleCoach = await ask(idleCoach, servedMember);
    expect(byIdleCoach.status).toBe(403);
    expect(byIdleCoach.body.detail).toMatch(/serves no order/);
  });

  it('stores the findings in svc_ai once M16 is cut over (the readings still read through M02, legacy)', async () => {
    await side.stack.setOwner('service');
    try {
      const answer = await side.rest('GET', `/ai/insights/health?days=60&to=${TO}&metric=weight`, MEMBER);
      expect(answer.status, answer.text).toBe(200);
      const ids = answer.body.insights.map((i: any) => i.id);
      expect(ids.length).toBeGreaterThan(0);
      const inService = await side.stack.service.pool.query<{ user_id: number }>('SELECT user_id FROM insights WHERE id = ANY($1::int[]) AND data ? \'key\'', [ids]);
      expect(inService.rows.map((r) => r.user_id)).toEqual(ids.map(() => MEMBER));
      const windowed = answer.body.insights.find((i: any) => i.kind === 'trend');
      const inLegacy = await side.legacy.query('SELECT 1 FROM insights WHERE data->>\'key\' = $1', [windowed.data.key]);
      expect(inLegacy.rows).toEqual([]);
    } finally {
      await side.stack.setOwner('legacy');
    }
  });

  it('validates its query (problem+json 400)', async () => {
    expect((await side.rest('GET', '/ai/insights/health?days=0', MEMBER)).status).toBe(400);
    expect((await side.rest('GET', '/ai/insights/health?metric=mood', MEMBER)).status).toBe(400);
    expect((await side.rest('GET', '/ai/insights/health', null)).status).toBe(401);
  });
});
