import { sql } from 'kysely';
import { build, type SqlRunner } from './sql-runner.ts';

/**
 * The coach facts matching ranks with (res_users' hp_level and rating, from svc_trade's reference
 * copy). Groups are not read here: whether a user is a coach, operator or member is the access
 * policy's question (ctx.access.hasGroup, services/kit/access).
 */
export async function coachFacts(db: SqlRunner, uid: number): Promise<{ hpLevel: number | null; rating: number | null } | null> {
  const q = sql<{ hp_level: number | null; rating: string | null }>`SELECT hp_level, coach_rating_avg::text AS rating FROM res_users WHERE id = ${uid} AND active`;
  const [row] = await db.run({ compile: () => q.compile(build) });
  if (!row) return null;
  return { hpLevel: row.hp_level, rating: row.rating === null ? null : Number(row.rating) };
}

export async function userExists(db: SqlRunner, uid: number): Promise<boolean> {
  const q = sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${uid}`;
  return (await db.run({ compile: () => q.compile(build) })).length === 1;
}
