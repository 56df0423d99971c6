import { OdooError } from '../../../odoo-bridge/orm/index.ts';
import { defineRoute, HttpProblem, problems, type OdooCalls, type RouteContext } from '../../kit/index.ts';
import { growthHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { RATING_PRIOR_WEIGHT } from '../domain/coach-rating-average.ts';
import { completionCounts } from '../domain/coach-rating-completions.ts';
import { monolithUsers, SUPERUSER_ID, usersThroughOdoo, type CoachRatingOwner } from '../domain/coach-rating-owner.ts';
import { coachRatingPage, type CoachRatingSort } from '../domain/coach-rating-summaries.ts';
import { rateOrder, readRating, type RatedOrder, type ServiceOrders } from '../domain/ratings.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, rulesSql, writeInHome } from './rest-access.ts';

const RATING_MODEL = 'hp.rating';
const BAYESIAN_FORMULA = 'bayesianAvg = (C·m + sum of the coach\'s scores) / (C + n), m = mean score of every rating on the platform, C = prior.weight, n = the coach\'s ratings';

type Many2one = [number, string] | false;

/**
 * hp.service.order as its customer reads it over Odoo RPC, wherever M04 lives (the gateway's
 * phase-aware dispatch): the member's record rules show only their own orders, so an order that
 * is not theirs reads as missing. Without a gateway beside the service there is no owner to ask.
 */
function ordersThrough(odoo: OdooCalls | null): ServiceOrders {
  return {
    async asCustomer(uid, orderId) {
      if (!odoo) throw new HttpProblem(503, 'Service Unavailable', 'Rating needs the gateway beside the ops service to read the service order (ficus start).');
      let rows: Array<{ id: number; customer_id: Many2one; health_worker_id: Many2one; state: string }>;
      try {
        rows = (await odoo({ uid, model: 'hp.service.order', method: 'search_read', args: [[['id', '=', orderId]], ['customer_id', 'health_worker_id', 'state']] })) as typeof rows;
      } catch (error) {
        // No read right on service orders at all: for this user the order does not exist.
        if (error instanceof OdooError && /AccessError/.test(error.exceptionName)) return undefined;
        throw error;
      }
      const [row] = rows;
      if (!row) return undefined;
      const order: RatedOrder = { id: row.id, customerId: row.customer_id ? row.customer_id[0] : 0, coachId: row.health_worker_id ? row.health_worker_id[0] : null, state: row.state };
      return order;
    },
  };
}

/**
 * Where res.users.coach_rating_avg is written from a REST request: in the monolith's transaction
 * that holds the rating while M05 is legacy (the rows and the column share one database, as
 * hp_growth's recompute writes it); after cutover through the owner of res.users over Odoo RPC
 * (the gateway's dispatch, as the superuser), or, with no gateway but the monolith's database
 * beside the service (`ficus serve ops`), its res_users table directly.
 */
function usersOwner(ctx: RouteContext<OpsDatabase>, home: 'legacy' | 'service', rows: ReturnType<typeof onKysely>, uid: number): CoachRatingOwner {
  if (home === 'legacy') return monolithUsers(rows, uid);
  const { odoo } = ctx.platform;
  if (odoo) return usersThroughOdoo((ids, vals) => odoo({ uid: SUPERUSER_ID, model: 'res.users', method: 'write', args: [ids, vals] }));
  if (ctx.legacyPool) {
    const pool = ctx.legacyPool;
    return monolithUsers({ run: async () => [], raw: async (text, values = []) => (await pool.query(text, [...values])).rows }, SUPERUSER_ID);
  }
  return { store: async () => undefined };
}

interface RatingBody {
  orderId: number;
  score: number;
  comment?: string | null;
}

/**
 * POST /ops/ratings: a member rates a service order they received. The order is read through its
 * owner as the member reads it over RPC (their own orders only: another's is 422 as missing); it
 * must be completed (409) and have a coach (422), and one rating per order and rater (409).
 * The caller needs hp.rating's create right (members and admins; operators 403). The rating lands
 * where M05 lives, the coach's coach_rating_avg is recomputed from their ratings and written
 * through res.users's owner, and service_rated is published, all with the request.
 * Idempotency-Key replays the first answer.
 */
export const createRating = defineRoute<OpsDatabase, RatingBody>({
  method: 'post',
  path: '/ops/ratings',
  summary: "Rate the coach of one's completed service order (published as service_rated; keeps res.users.coach_rating_avg true)",
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ops/rating-create.json',
  responses: { 201: 'rest/ops/rating.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(RATING_MODEL, 'create');
    const { body } = ctx;
    const rating = await asProblems(writeInHome(growthHome, ctx, (db, home) => {
      const rows = onKysely(db);
      return rateOrder(
        { rows, users: usersOwner(ctx, home, rows, access.uid), projection: onKysely(ctx.db), events: restEventSink(ctx), orders: ordersThrough(ctx.platform.odoo) },
        { orderId: body.orderId, raterId: access.uid, score: body.score, comment: body.comment ?? null },
      );
    }));
    return { status: 201, body: rating, headers: { location: `/ops/ratings/${rating.id}` } };
  },
});

/**
 * GET /ops/ratings/{id}: one rating, to whoever gave or received it, and to those who may change
 * ratings (operators, admins); anyone else 404, though Odoo lets every member read every rating:
 * the comment and the rater are not public figures.
 */
export const getRating = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ops/ratings/:id',
  summary: 'A rating, to its rater, its coach, operators and admins',
  auth: 'bearer',
  params: 'rest/ops/rating-params.json',
  responses: { 200: 'rest/ops/rating.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const rows = await readerOfHome(growthHome, ctx);
    // The ACL and the read rules on the rows' home (404 outside them), then the narrower REST rule.
    await checkRecords(access, rows, RATING_MODEL, 'ratings', 'read', [ctx.params.id], 'rating');
    const rating = await readRating(onKysely(rows), ctx.params.id);
    const visible = rating && (rating.raterId === access.uid || rating.coachId === access.uid || (await access.may(RATING_MODEL, 'write')));
    if (!rating || !visible) throw problems.notFound(`rating ${ctx.params.id} does not exist`);
    return { status: 200, body: rating };
  },
});

interface CoachRatingQueryParams {
  coach?: number;
  minRatings?: number;
  sort: CoachRatingSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/**
 * GET /ops/ratings: the coaches' public rating figures, for anyone Odoo lets read hp.rating
 * (members, coaches, operators, admins; a user with no hp_* group 403). Per coach: the number of
 * ratings, coach_rating_avg exactly as Odoo stores it (Python round(mean, 2); 0.0 without
 * ratings), the Bayesian average for ranking (prior stated in the answer), and the completed
 * services ops has counted. Sorted by the Bayesian average (default), the legacy average, the
 * count or the coach id; filtered by coach and a minimum number of ratings; paged.
 */
export const listCoachRatings = defineRoute<OpsDatabase, unknown, CoachRatingQueryParams>({
  method: 'get',
  path: '/ops/ratings',
  summary: `Coaches' ratings: coach_rating_avg as Odoo computes it (round(mean, 2)) and a Bayesian average for ranking, ${BAYESIAN_FORMULA}, C = ${RATING_PRIOR_WEIGHT}`,
  auth: 'bearer',
  query: 'rest/ops/coach-rating-query.json',
  responses: { 200: 'rest/ops/coach-rating-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(RATING_MODEL, 'read');
    const { query } = ctx;
    const rows = await readerOfHome(growthHome, ctx);
    const page = await coachRatingPage(onKysely(rows), completionCounts(onKysely(ctx.db)), {
      visible: await rulesSql(access, rows, RATING_MODEL, 'read', 'r'),
      ...(query.coach !== undefined ? { coachIds: [query.coach] } : {}),
      ...(query.minRatings !== undefined ? { minRatings: query.minRatings } : {}),
      sort: query.sort, order: query.order, limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: { ...page, prior: { ...page.prior, formula: BAYESIAN_FORMULA } } };
  },
});

export const RATING_ROUTES = [listCoachRatings, createRating, getRating];
