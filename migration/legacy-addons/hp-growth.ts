import type { CallContext } from '../../odoo-bridge/orm/call-context.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { pyRound2 } from '../../odoo-bridge/orm/python-round.ts';

/**
 * hp_growth (M05, hp_growth/models/res_users.py) for the legacy side's engine while ops has not
 * taken the module over: the stored `res.users.coach_rating_avg`, `round(mean(scores), 2)` of
 * the ratings a coach received (0.0 without any), kept true when ratings are created, changed
 * or deleted, as `@api.depends('hp_rating_ids.score')` makes Odoo recompute it.
 */
export function registerHpGrowth(behaviours: BehaviourRegistry): BehaviourRegistry {
  const previousCoaches = new WeakMap<CallContext, number[]>();
  behaviours.register('res.users', { compute: { coach_rating_avg: (ctx, ids) => recomputeCoachRating(ctx, ids) } });
  behaviours.register('hp.rating', {
    async afterCreate(ctx, ids) {
      await recomputeCoachRating(ctx, await coachesOf(ctx, ids));
    },
    async beforeWrite(ctx, ids, vals) {
      if ('coach_id' in vals || 'score' in vals) previousCoaches.set(ctx, await coachesOf(ctx, ids));
    },
    async afterWrite(ctx, ids, vals) {
      if (!('coach_id' in vals || 'score' in vals)) return;
      await recomputeCoachRating(ctx, [...new Set([...(previousCoaches.get(ctx) ?? []), ...(await coachesOf(ctx, ids))])]);
      previousCoaches.delete(ctx);
    },
    async beforeUnlink(ctx, ids) {
      await recomputeCoachRating(ctx, await coachesOf(ctx, ids), ids);
    },
  });
  return behaviours;
}

async function coachesOf(ctx: CallContext, ratingIds: readonly number[]): Promise<number[]> {
  const { rows } = await ctx.db.query<{ coach_id: number }>('SELECT DISTINCT coach_id FROM ratings WHERE id = ANY($1::int4[]) AND coach_id IS NOT NULL', [ratingIds]);
  return rows.map((r) => r.coach_id);
}

/** Writes the average as Odoo's recompute does (`_write_multi`: write_uid and write_date too). */
async function recomputeCoachRating(ctx: CallContext, coachIds: readonly number[], leaving: readonly number[] = []): Promise<void> {
  if (!coachIds.length) return;
  const { rows } = await ctx.db.query<{ id: number; total: string | null; n: string }>(
    `SELECT u.id, sum(r.score)::text AS total, count(r.id)::text AS n
       FROM res_users u LEFT JOIN ratings r ON r.coach_id = u.id AND r.id <> ALL($2::int4[])
      WHERE u.id = ANY($1::int4[]) GROUP BY u.id`,
    [coachIds, leaving],
  );
  const averages = rows.map((row) => (Number(row.n) ? pythonRound2(Number(row.total) / Number(row.n)) : 0));
  await ctx.db.query(
    `UPDATE res_users u SET coach_rating_avg = v.average, write_uid = $3, write_date = (now() at time zone 'UTC')
       FROM unnest($1::int4[], $2::numeric[]) AS v(id, average) WHERE u.id = v.id`,
    [rows.map((r) => r.id), averages, ctx.uid],
  );
}

/** Python's `round(x, 2)` (the ORM's pyRound2), the rounding hp_growth's compute stores. */
export const pythonRound2 = pyRound2;
