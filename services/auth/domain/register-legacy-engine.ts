import type pg from 'pg';
import { BehaviourRegistry, coreBehaviours, createFullOrmEngine, userError, type CallContext, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';

/**
 * The ORM engine registration creates members with, over the monolith's database, which keeps
 * owning `res_users` and `res_partner`: Odoo's own models' behaviour (res.users' defaults,
 * implied groups, password hashing, settings, avatar, partner chatter…) and, of the hp_*
 * addons, what a new user's row needs. hp_account's fields are plain defaults the engine reads
 * from the sources; hp_growth's stored `coach_rating_avg` is a compute, so it is given here.
 */
export interface LegacyEngineOptions {
  /** The name clients use for the database (its registry is keyed by pool, the name shows in errors). */
  databaseName: string;
  /** Odoo's filestore of that database: the generated avatar lands there (in `db_datas` without one, which Odoo reads as well). */
  filestore: string | null;
  /**
   * The legacy side's model behaviour when the host has the complete one (the migration
   * runtime's: core + legacy addons + services' legacy behaviours). Default: core + the compute below.
   */
  behaviours?: BehaviourRegistry;
}

export function legacyUsersEngine(legacyPool: pg.Pool, options: LegacyEngineOptions): OrmEngine {
  const behaviours = options.behaviours ?? withNewUserCoachRating(coreBehaviours());
  return createFullOrmEngine({ database: { name: options.databaseName, pool: legacyPool }, behaviours, filestore: options.filestore });
}

/**
 * hp_growth's `coach_rating_avg` (`round(mean(hp_rating_ids.score), 2)`, 0.0 without ratings) for
 * the users this engine creates: a user that did not exist a moment ago has no rating, so its
 * average is 0.0, as Odoo stores it. Recomputing a coach that has ratings is hp_growth's own
 * behaviour, which this engine never needs; it refuses rather than guess.
 */
export function withNewUserCoachRating(behaviours: BehaviourRegistry): BehaviourRegistry {
  return behaviours.register('res.users', { compute: { coach_rating_avg: zeroRatingForUnratedUsers } });
}

async function zeroRatingForUnratedUsers(ctx: CallContext, ids: number[]): Promise<void> {
  const ratings = ctx.registry.model('hp.rating')?.table;
  if (ratings) {
    const rated = await ctx.db.query(`SELECT 1 FROM "${ratings}" WHERE coach_id = ANY($1::int4[]) LIMIT 1`, [ids]);
    if (rated.rowCount) throw userError("Ficus cannot recompute coach_rating_avg of res.users with ratings here: that is hp_growth's behaviour, which the registration engine does not carry.");
  }
  await ctx.db.query(`UPDATE res_users SET coach_rating_avg = 0 WHERE id = ANY($1::int4[])`, [ids]);
}
