import { updateRecords, userError, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelCaller, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { revokeCertifications, type CertificationWriter } from '../domain/certifications.ts';
import { SUPERUSER_ID, usersThroughOdoo, type CoachRatingOwner } from '../domain/coach-rating-owner.ts';
import { lockCoachAverages, refreshCoachAverages } from '../domain/coach-rating-refresh.ts';
import { ratedEvent, readRatings } from '../domain/ratings.ts';
import type { OpsBehaviourOptions } from './behaviour-options.ts';
import type { EventsOfCall } from './outbox.ts';

/** `self.write(vals)` inside an ORM call: the engine's write (ACL, rules, missing records). */
function rpcCertificationWriter(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): CertificationWriter {
  return { write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })) };
}

/** hp.certification (hp_growth/models/hp_certification.py): action_revoke, the domain's. */
export function certificationBehaviour(behaviours: BehaviourRegistry): ModelBehaviour {
  return {
    methods: {
      action_revoke: recordsMethod('HpCertification.action_revoke', [], (ctx, model, ids) => revokeCertifications(rpcCertificationWriter(ctx, behaviours, model), ids)),
    },
  };
}

/**
 * res.users, the monolith's, through the gateway's dispatch as the superuser. Without a dispatch
 * (an engine built outside the gateway) the change is refused rather than leaving the stored
 * average false.
 */
function usersOf(ctx: CallContext, callModel: ModelCaller | undefined): CoachRatingOwner {
  if (!callModel) {
    return { store: async () => { throw userError("Ficus cannot keep res.users.coach_rating_avg true here: ops's engine was given no way to call res.users."); } };
  }
  const asSuperuser: CallContext = { ...ctx, uid: SUPERUSER_ID };
  return usersThroughOdoo((ids, vals) => callModel(asSuperuser, 'res.users', 'write', [ids, vals]));
}

async function coachesOf(ctx: CallContext, ratingIds: readonly number[]): Promise<number[]> {
  const { rows } = await ctx.db.query<{ coach_id: number }>('SELECT DISTINCT coach_id FROM ratings WHERE id = ANY($1::int4[]) AND coach_id IS NOT NULL', [[...ratingIds]]);
  return rows.map((r) => r.coach_id);
}

/** The coaches' averages recomputed from svc_ops's rows under their locks, and written to res.users through its owner. */
async function refreshThroughOwner(ctx: CallContext, callModel: ModelCaller | undefined, coachIds: readonly number[], leaving: readonly number[] = []): Promise<void> {
  if (!coachIds.length) return;
  const sql = onQueryable(ctx.db);
  await lockCoachAverages(sql, coachIds);
  await refreshCoachAverages(sql, usersOf(ctx, callModel), coachIds, { leaving, projection: sql });
}

/**
 * hp.rating after M05's cutover (svc_ops's engine). Odoo recomputes the stored
 * res.users.coach_rating_avg in the same transaction whenever a rating is created, rescored,
 * moved to another coach or deleted (`@api.depends('hp_rating_ids.score')`); res.users stays in
 * the monolith, so the recompute reads svc_ops's rows and writes the value through the gateway's
 * dispatch (the legacy adapter), before the call commits: a failure fails the call, as a failed
 * recompute fails Odoo's. Every create publishes service_rated into svc_ops's outbox.
 */
export function ratingServiceBehaviour(options: { events: EventsOfCall; callModel?: ModelCaller }): ModelBehaviour {
  const previousCoaches = new WeakMap<CallContext, number[]>();
  const rescores = (vals: Readonly<Record<string, unknown>>) => 'coach_id' in vals || 'score' in vals;
  return {
    async afterCreate(ctx, ids) {
      const ratings = await readRatings(onQueryable(ctx.db), ids);
      await refreshThroughOwner(ctx, options.callModel, ratings.map((r) => r.coachId));
      await options.events(ctx).publish(ratings.map(ratedEvent));
    },
    async beforeWrite(ctx, ids, vals) {
      if (rescores(vals)) previousCoaches.set(ctx, await coachesOf(ctx, ids));
    },
    async afterWrite(ctx, ids, vals) {
      if (!rescores(vals)) return;
      const coaches = [...new Set([...(previousCoaches.get(ctx) ?? []), ...(await coachesOf(ctx, ids))])];
      previousCoaches.delete(ctx);
      await refreshThroughOwner(ctx, options.callModel, coaches);
    },
    async beforeUnlink(ctx, ids) {
      await refreshThroughOwner(ctx, options.callModel, await coachesOf(ctx, ids), ids);
    },
  };
}

/**
 * hp_growth's models on a registry. Both sides: hp.certification.action_revoke. The service side
 * adds hp.rating's recompute through res.users's owner and service_rated (the engine refuses a
 * change of hp.rating unless something recomputes res.users.coach_rating_avg: the compute is
 * registered here for that check; the hooks above do the work). On the legacy side the legacy
 * addons' hp_growth (migration/legacy-addons/hp-growth.ts) recomputes it in the monolith's own
 * transaction, and nothing is published, as Odoo published nothing.
 */
export function registerGrowthBehaviours(behaviours: BehaviourRegistry, options: OpsBehaviourOptions): void {
  behaviours.register('hp.certification', certificationBehaviour(behaviours));
  if (options.side !== 'service') return;
  behaviours.register('hp.rating', ratingServiceBehaviour(options));
  behaviours.register('res.users', { compute: { coach_rating_avg: (ctx, ids) => refreshThroughOwner(ctx, options.callModel, ids) } });
}

/** The business methods hp_growth defines (OPS_BUSINESS_METHODS' line). */
export const GROWTH_BUSINESS_METHODS = { 'hp.certification': ['action_revoke'] } as const;
