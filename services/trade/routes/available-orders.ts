import { defineRoute, problems } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { build, onKysely } from '../db/sql-runner.ts';
import { coachFacts } from '../db/user-facts.ts';
import { levelOf, rankOrders, type MatchingRule } from '../domain/matching.ts';
import { COACH_GROUP } from '../domain/service-order-states.ts';

function distances(raw: string | string[] | undefined): Map<number, number> {
  const pairs = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Map(pairs.map((p) => { const [id, km] = p.split(':'); return [Number(id), Number(km)] as [number, number]; }));
}

/**
 * GET /trade/matching/available-orders: the orders the calling coach could grab (paid,
 * unassigned: the coach record rule's grabbable half), ranked by hp.matching.rule as
 * domain/matching.ts states, each with its score explained.
 */
export const availableOrders = defineRoute<TradeDatabase, unknown, { distance?: string | string[]; limit: number }>({
  method: 'get',
  path: '/trade/matching/available-orders',
  summary: 'Open orders for the calling coach, ranked by the matching rules (category, level, rating, distance), scores explained',
  auth: 'bearer',
  query: 'rest/trade/available-orders-query.json',
  responses: { 200: 'rest/trade/available-orders.json' },
  async handler({ db, query, principal, access }) {
    const run = onKysely(db);
    const coachId = principal!.userId;
    if (!(await access!.hasGroup(COACH_GROUP))) throw problems.forbidden('only coaches are matched with orders');
    // What the coach reads of orders and rules over RPC, no more: the ACLs, and the orders' read rules.
    await access!.check('hp.service.order', 'read');
    await access!.check('hp.matching.rule', 'read');
    const [facts, readable] = await Promise.all([coachFacts(run, coachId), access!.rules('hp.service.order', 'read', 'o')]);
    if (!facts) throw problems.forbidden('only coaches are matched with orders');
    const [orders, rules, offered] = await Promise.all([
      run.run(
        build.selectFrom('service_orders as o').innerJoin('health_services as s', 's.id', 'o.service_id')
          .select(['o.id', 'o.name', 's.category']).where('o.state', '=', 'paid').where('o.health_worker_id', 'is', null).where(readable).orderBy('o.id'),
      ),
      run.run(build.selectFrom('matching_rules').selectAll().where('active', '=', true)),
      run.run(build.selectFrom('health_services').select('category').distinct().where('coach_id', '=', coachId).where('active', '=', true)),
    ]);
    const known = distances(query.distance);
    const coach = { id: coachId, level: levelOf(facts.hpLevel), rating: facts.rating, categories: new Set(offered.map((o) => o.category)) };
    const matchingRules: MatchingRule[] = rules.map((r) => ({
      id: r.id, name: r.name, category: r.category, minLevel: r.min_level as MatchingRule['minLevel'], maxDistanceKm: r.max_distance_km ?? 10,
      priority: r.priority ?? 10, weightRating: r.weight_rating ?? 0.5, weightDistance: r.weight_distance ?? 0.5,
    }));
    const ranked = rankOrders(orders.map((o) => ({ id: o.id, name: o.name, category: o.category, distanceKm: known.get(o.id) ?? null })), matchingRules, coach, query.limit);
    return { status: 200, body: { coach: { id: coachId, level: coach.level, rating: coach.rating, categories: [...coach.categories].sort() }, items: ranked } };
  },
});
