import { sql, type RawBuilder } from 'kysely';

export const VISIBILITIES = ['public', 'followers', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** hp_account's operator group: operators read anyone's feed (hp_feed's rule_user_feed_operator). */
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';

/**
 * hp_feed's member rule on hp.activity (rule_activity_visible):
 * `['|', ('visibility', '!=', 'private'), ('actor_id', '=', user.id)]`. `followers` is visible
 * to every member, as in the monolith: the rule knows no followers.
 *
 * A feed is always its owner's view, whoever reads it: an operator reading a member's feed
 * sees what that member sees, and an operator's own feed follows the member rule too (their
 * wider RPC rights are for moderation, not for a feed), so a private activity never shows in a
 * feed but its actor's.
 */
export function isVisibleTo(activity: { visibility: string; actorId: number }, userId: number): boolean {
  return activity.visibility !== 'private' || activity.actorId === userId;
}

/** The same rule as SQL over an `activities` row aliased `alias`. */
export function visibleToSql(alias: string, userId: number): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${alias}.visibility`)} <> 'private' OR ${sql.ref(`${alias}.actor_id`)} = ${userId})`;
}
