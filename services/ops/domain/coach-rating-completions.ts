import type { CloudEvent, SubscriptionDefinition } from '../../kit/index.ts';
import { growthHome } from '../db/ops-home.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { coachRatingAvg } from './coach-rating-average.ts';
import { ratingTotals } from './coach-rating-refresh.ts';
import type { CompletionCounts } from './coach-rating-summaries.ts';

export type CompletionOutcome = 'updated' | 'duplicate';

/**
 * What a completed service changes in ops: the coach's rating figures (DESIGN: "ops updates a
 * coach's rating when a service completes"). The completion is kept once per service order, and
 * the coach's row in coach_rating_stats takes one more completed service and their ratings as the
 * rows hold them now (recomputed, not incremented). Exactly once per event: the inbox drops a
 * redelivered event (same id) with this transaction, and the order's key drops the same
 * completion published again under another id. `projection` is svc_ops's transaction (the
 * inbox's); `ratings` reads where M05's rows live now.
 */
export async function recordServiceCompletion(projection: SqlRunner, ratings: SqlRunner, event: CloudEvent<'service_completed'>): Promise<CompletionOutcome> {
  const { orderId, healthWorkerId: coachId, completedAt } = event.data;
  const kept = await projection.raw<{ order_id: number }>(
    'INSERT INTO coach_rating_completions (order_id, coach_id, event_id, completed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING order_id',
    [orderId, coachId, event.id, completedAt],
  );
  if (!kept.length) return 'duplicate';
  const [totals] = await ratingTotals(ratings, [coachId]);
  const { count, sum } = totals ?? { count: 0, sum: 0 };
  await projection.raw(
    `INSERT INTO coach_rating_stats AS s (coach_id, completed_services, ratings_count, ratings_sum, rating_avg, last_completed_at, updated_at)
     VALUES ($1, 1, $2, $3, $4, $5, now())
     ON CONFLICT (coach_id) DO UPDATE SET completed_services = s.completed_services + 1, ratings_count = EXCLUDED.ratings_count,
       ratings_sum = EXCLUDED.ratings_sum, rating_avg = EXCLUDED.rating_avg,
       last_completed_at = greatest(s.last_completed_at, EXCLUDED.last_completed_at), updated_at = now()`,
    [coachId, count, sum, coachRatingAvg(sum, count), completedAt],
  );
  return 'updated';
}

/** The completions coach_rating_stats counts, for GET /ops/ratings. */
export function completionCounts(projection: SqlRunner): CompletionCounts {
  return {
    async of(coachIds) {
      if (!coachIds.length) return new Map();
      const rows = await projection.raw<{ coach_id: number; completed_services: number; last_completed_at: Date | null }>(
        'SELECT coach_id, completed_services, last_completed_at FROM coach_rating_stats WHERE coach_id = ANY($1::int4[])',
        [[...coachIds]],
      );
      return new Map(rows.map((r) => [r.coach_id, { completed: r.completed_services, lastCompletedAt: r.last_completed_at ? r.last_completed_at.toISOString() : null }]));
    },
  };
}

/**
 * service_completed → the coach's rating figures, in a consumer group of its own (the risk and
 * analytics consumers read every event in theirs). Ratings are read where M05 lives now.
 */
export const COACH_RATING_SUBSCRIPTIONS: SubscriptionDefinition<OpsDatabase>[] = [
  {
    type: 'service_completed',
    group: 'ops-coach-ratings',
    async handler(event: CloudEvent<'service_completed'>, ctx) {
      const home = await growthHome.home(ctx.db, ctx.legacyPool, { hold: false });
      const outcome = await recordServiceCompletion(onKysely(ctx.db), onKysely(growthHome.reader(ctx.db, ctx.legacyPool, home)), event);
      ctx.log.debug({ orderId: event.data.orderId, coachId: event.data.healthWorkerId, outcome }, 'service completion recorded for the coach rating');
    },
  },
];
