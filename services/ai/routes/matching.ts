import { defineRoute, problems } from '../../kit/index.ts';
import type { AiDatabase } from '../db/tables.ts';
import { rankCoaches, MATCHING_WEIGHTS, RATING_PRIOR_WEIGHT, CAPACITY, TIME_SCALE_HOURS, type CoachFacts } from '../domain/matching-smart.ts';
import { callAs, fromOdooDatetime, numberOf } from './insights-sources.ts';
import { asProblems } from './rest-access.ts';

type Many2one = [number, string] | false;
const idOf = (m: Many2one) => (m ? m[0] : null);
/** Odoo's superuser: the coaches' public figures and busy times are read as the platform, not as the caller. */
const SUPERUSER_ID = 1;

interface MatchingBody {
  orderId: number;
  at?: string;
  limit?: number;
}

/**
 * POST /ai/matching/smart: the coaches ranked for one service order, each with the five terms of
 * its score (domain/matching-smart.ts: specialty, Bayesian rating, availability, distance in time,
 * certification; stated weights, no model). The order is read through the gateway AS THE CALLER
 * (its customer, a coach who may see it, operators; anyone else 404 as if it did not exist); the
 * coaches' figures (services, ratings, open-order counts, scheduled appointments' times, valid
 * certifications) are read as the platform, and only coach-level aggregates leave: no customer
 * of another order is named. trade may call it before assigning a paid order (take the first
 * coach, or show the list with its reasons).
 */
export const smartMatchingRoute = defineRoute<AiDatabase, MatchingBody>({
  method: 'post',
  path: '/ai/matching/smart',
  summary: 'Coaches ranked for a service order, each with its per-feature contributions (specialty, Bayesian rating, availability, distance in time, certification; weighted sum, no model)',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ai/matching-smart-request.json',
  responses: { 200: 'rest/ai/matching-smart.json' },
  async handler(ctx) {
    const call = callAs(ctx.platform.odoo);
    const uid = ctx.access!.uid;
    const { orderId } = ctx.body;
    const at = ctx.body.at ? Date.parse(ctx.body.at) : Date.now();
    const answer = await asProblems((async () => {
      const [order] = await call<Array<{ id: number; service_id: Many2one; state: string }>>(uid, 'hp.service.order', 'search_read', [[['id', '=', orderId]], ['service_id', 'state']]);
      if (!order) throw problems.notFound(`service order ${orderId} does not exist`);
      const serviceId = idOf(order.service_id);
      if (serviceId === null) throw problems.unprocessable(`service order ${orderId} names no health service to match coaches for`);
      const platform = <T>(model: string, domain: unknown[], fields: string[]) => call<T[]>(SUPERUSER_ID, model, 'search_read', [domain, fields]);
      const [[service], coaches, services, ratings, open, appointments, certifications] = await Promise.all([
        platform<{ category: string; duration_minutes: unknown }>('hp.health.service', [['id', '=', serviceId]], ['category', 'duration_minutes']),
        platform<{ id: number; name: string; coach_rating_avg: unknown }>('res.users', [['hp_user_type', '=', 'coach']], ['name', 'coach_rating_avg']),
        platform<{ coach_id: Many2one; category: string }>('hp.health.service', [['active', '=', true], ['coach_id', '!=', false]], ['coach_id', 'category']),
        platform<{ coach_id: Many2one; score: unknown }>('hp.rating', [], ['coach_id', 'score']),
        platform<{ health_worker_id: Many2one }>('hp.service.order', [['state', 'in', ['assigned', 'in_service']], ['health_worker_id', '!=', false]], ['health_worker_id']),
        platform<{ health_worker_id: Many2one; start_at: string; end_at: string }>('hp.appointment', [['state', '=', 'scheduled'], ['end_at', '>', new Date(at).toISOString().slice(0, 19).replace('T', ' ')]], ['health_worker_id', 'start_at', 'end_at']),
        platform<{ coach_id: Many2one; level: 'junior' | 'senior' | 'expert' }>('hp.certification', [['state', '=', 'valid']], ['coach_id', 'level']),
      ]);
      const facts = new Map<number, CoachFacts & { categories: Set<string>; scores: number[]; busy: Array<[number, number]> }>();
      for (const c of coaches) facts.set(c.id, { id: c.id, name: c.name, categories: new Set(), scores: [], legacyAverage: numberOf(c.coach_rating_avg), openOrders: 0, busy: [], certification: null });
      for (const s of services) facts.get(idOf(s.coach_id) ?? 0)?.categories.add(s.category);
      const allScores: number[] = [];
      for (const r of ratings) {
        const score = numberOf(r.score) ?? 0;
        allScores.push(score);
        facts.get(idOf(r.coach_id) ?? 0)?.scores.push(score);
      }
      for (const o of open) { const f = facts.get(idOf(o.health_worker_id) ?? 0); if (f) f.openOrders++; }
      for (const a of appointments) facts.get(idOf(a.health_worker_id) ?? 0)?.busy.push([fromOdooDatetime(a.start_at), fromOdooDatetime(a.end_at)]);
      const rank = { junior: 1, senior: 2, expert: 3 } as const;
      for (const c of certifications) {
        const f = facts.get(idOf(c.coach_id) ?? 0);
        if (f && (!f.certification || rank[c.level] > rank[f.certification])) f.certification = c.level;
      }
      const platformMean = allScores.length ? allScores.reduce((a, b) => a + b, 0) / allScores.length : 0;
      const ranked = rankCoaches({ id: order.id, category: service!.category, durationMinutes: numberOf(service!.duration_minutes) ?? 60, at }, [...facts.values()], platformMean);
      return {
        orderId: order.id, category: service!.category, requestedAt: new Date(at).toISOString(), coachesConsidered: ranked.length,
        method: { kind: 'weighted-sum ranking (no model)', weights: MATCHING_WEIGHTS, ratingPriorWeight: RATING_PRIOR_WEIGHT, platformMeanScore: Math.round(platformMean * 1e6) / 1e6, capacity: CAPACITY, timeScaleHours: TIME_SCALE_HOURS },
        coaches: ranked.slice(0, ctx.body.limit ?? 10),
      };
    })());
    return { status: 200, body: answer };
  },
});

export const MATCHING_ROUTES = [smartMatchingRoute];
