import type { SqlRunner } from '../db/sql-runner.ts';

/** A coach's stored average as res.users.coach_rating_avg holds it. */
export interface CoachAverage {
  coachId: number;
  average: number;
}

/**
 * Whoever owns res.users, which keeps hp_growth's stored coach_rating_avg: the ratings live with
 * ops (svc_ops after M05's cutover, the monolith before), the column with the monolith's users.
 * The value written is always recomputed from the rows, never an increment, so writing it again
 * (a retried call, a replayed event) changes nothing.
 */
export interface CoachRatingOwner {
  store(averages: readonly CoachAverage[]): Promise<void>;
}

/** Odoo's SUPERUSER_ID: the adapter writes as hp_growth's recompute does, whoever rated. */
export const SUPERUSER_ID = 1;

/**
 * The monolith's own tables, in the transaction that changed the ratings there (M05 still
 * legacy: the rows and res_users share one database): the UPDATE hp_growth's recompute makes
 * (`_write_multi`: write_uid and write_date too).
 */
export function monolithUsers(sql: SqlRunner, uid: number): CoachRatingOwner {
  return {
    async store(averages) {
      if (!averages.length) return;
      await sql.raw(
        `UPDATE res_users u SET coach_rating_avg = v.average, write_uid = $3, write_date = (now() at time zone 'UTC')
           FROM unnest($1::int4[], $2::numeric[]) AS v(id, average) WHERE u.id = v.id`,
        [averages.map((a) => a.coachId), averages.map((a) => a.average), uid],
      );
    },
  };
}

/** `res.users.write` of another module's owner, as an Odoo client calls it (the gateway's dispatch). */
export type UsersWrite = (ids: number[], vals: { coach_rating_avg: number }) => Promise<unknown>;

/**
 * The legacy adapter after M05's cutover (DESIGN.md "Side effects across the cut"): the average
 * goes to res.users through Odoo's RPC, as the superuser (hp_growth's recompute runs as whoever
 * rated but writes sudo-like), so Odoo's own write runs on its table. One call per distinct value.
 */
export function usersThroughOdoo(write: UsersWrite): CoachRatingOwner {
  return {
    async store(averages) {
      const byValue = new Map<number, number[]>();
      for (const { coachId, average } of averages) byValue.set(average, [...(byValue.get(average) ?? []), coachId]);
      for (const [average, ids] of byValue) await write(ids.sort((a, b) => a - b), { coach_rating_avg: average });
    },
  };
}
