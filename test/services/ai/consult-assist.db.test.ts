import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../support/openai-stand-in.ts';
import { plantedSeries, seededRandom } from './insight-synthetic.ts';
import { startAiAnalysisSide, type AiAnalysisSide } from './insight-sides.ts';

/**
 * POST /ai/consult/assist end to end: a coach serving a member gets suggestions from the member's
 * recent readings (read through the gateway as the coach), each with its basis; a coach serving
 * nobody by that name, and the member themself, get 403 and nothing is read. With an
 * OpenAI-compatible endpoint configured (the local stand-in) the suggestions are also phrased by it.
 */
describe('POST /ai/consult/assist', () => {
  let side: AiAnalysisSide;
  let coach: number;
  let member: number;
  let idleCoach: number;
  let standIn: OpenAiStandIn;

  beforeAll(async () => {
    side = await startAiAnalysisSide('legacy');
    standIn = await startOpenAiStandIn();
    const { rows: [pair] } = await side.legacy.query<{ customer_id: number; health_worker_id: number }>(
      `SELECT customer_id, health_worker_id FROM service_orders WHERE state IN ('assigned','in_service','completed') AND health_worker_id IS NOT NULL AND customer_id BETWEEN 6 AND 245 ORDER BY id DESC LIMIT 1`);
    coach = pair!.health_worker_id;
    member = pair!.customer_id;
    idleCoach = (await side.legacy.query<{ id: number }>(
      `SELECT u.id FROM res_users u WHERE u.id BETWEEN 246 AND 285 AND NOT EXISTS (SELECT 1 FROM service_orders o WHERE o.health_worker_id = u.id AND o.customer_id = $1) ORDER BY u.id LIMIT 1`, [member])).rows[0]!.id;
    // 50 days of blood glucose rising, ending two days ago.
    const planted = plantedSeries(seededRandom(5), { shape: 'trend', days: 50, readingsPerDay: 2, spikes: 0 });
    const rising = planted.readings.map((r, i) => ({ ...r, value: 100 + Math.abs(r.value! - 70) + i * 0.1 }));
    const end = Date.now() - 2 * 86_400_000;
    const shift = end - rising.at(-1)!.measuredAt;
    for (const r of rising) {
      await side.legacy.query(`INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source) VALUES ($1, 'blood_glucose', $2, 'mg/dL', to_timestamp($3 / 1000.0) at time zone 'UTC', 'manual')`, [member, r.value, r.measuredAt + shift]);
    }
  }, 240_000);
  afterAll(async () => {
    await standIn?.close();
    await side?.stop();
  });

  it('gives the serving coach suggestions, each with the numbers behind it, worded by templates', async () => {
    const before = side.calls.length;
    const answer = await side.rest('POST', '/ai/consult/assist', coach, { memberId: member });
    expect(answer.status, answer.text).toBe(200);
    const concern = answer.body.suggestions.find((s: any) => s.template === 'consult.trend.concern' && s.basis.metric === 'blood_glucose');
    expect(concern, JSON.stringify(answer.body.suggestions.map((s: any) => s.template))).toBeDefined();
    expect(concern.basis.data.mannKendall.p).toBeLessThan(0.01);
    expect(concern.basis.data.slopePerDay).toBeGreaterThan(0);
    expect(answer.body.phrasing).toEqual({ provider: 'local-templates', method: 'template', text: null });
    expect(answer.body.inputs.readAs).toBe(coach);
    const reads = side.calls.slice(before).filter((c) => c.model === 'hp.health.record' || c.model === 'hp.assessment');
    expect(reads.length).toBe(2);
    expect(reads.every((c) => c.uid === coach)).toBe(true);
  });

  it('refuses a coach who does not serve the member, and the member themself (403, nothing read)', async () => {
    const before = side.calls.length;
    const idle = await side.rest('POST', '/ai/consult/assist', idleCoach, { memberId: member });
    expect(idle.status).toBe(403);
    const self = await side.rest('POST', '/ai/consult/assist', member, { memberId: member });
    expect(self.status).toBe(403);
    const other = await side.rest('POST', '/ai/consult/assist', 6 === member ? 7 : 6, { memberId: member });
    expect(other.status).toBe(403);
    expect(side.calls.slice(before).filter((c) => c.model === 'hp.health.record' || c.model === 'hp.assessment')).toEqual([]);
  });

  it('has a configured OpenAI-compatible provider phrase the same suggestions', async () => {
    process.env.AI_OPENAI_BASE_URL = standIn.baseUrl;
    process.env.AI_OPENAI_API_KEY = standIn.apiKey;
    try {
      const sent = standIn.requests.length;
      const answer = await side.rest('POST', '/ai/consult/assist', coach, { memberId: member });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.phrasing).toMatchObject({ provider: 'openai-compatible', method: 'chat-completion' });
      expect(standIn.requests.length).toBe(sent + 1);
      expect(answer.body.phrasing.text).toContain('blood glucose');
      expect(answer.body.suggestions.some((s: any) => s.template === 'consult.trend.concern')).toBe(true);
      standIn.next({ kind: 'status', status: 503 });
      const failed = await side.rest('POST', '/ai/consult/assist', coach, { memberId: member });
      expect(failed.status).toBe(200);
      expect(failed.body.phrasing).toMatchObject({ method: 'template', text: null, failed: 'provider_http_503' });
    } finally {
      delete process.env.AI_OPENAI_BASE_URL;
      delete process.env.AI_OPENAI_API_KEY;
    }
  });
});
