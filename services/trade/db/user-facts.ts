import { sql } from 'kysely';
import { build, type SqlRunner } from './sql-runner.ts';

/** A user's groups by xml id and the coach facts matching uses, from svc_trade's reference copies. */
export async function userFacts(db: SqlRunner, uid: number): Promise<{ groups: Set<string>; hpLevel: number | null; rating: number | null } | null> {
  const q = sql<{ xmlid: string | null; hp_level: number | null; rating: string | null }>`
    WITH RECURSIVE closure(gid) AS (
      SELECT gid FROM res_groups_users_rel WHERE uid = ${uid}
      UNION SELECT i.hid FROM res_groups_implied_rel i JOIN closure c ON c.gid = i.gid
    )
    SELECT d.module || '.' || d.name AS xmlid, u.hp_level, u.coach_rating_avg::text AS rating
      FROM res_users u
      LEFT JOIN closure c ON true
      LEFT JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = c.gid
     WHERE u.id = ${uid} AND u.active`;
  const rows = await db.run({ compile: () => q.compile(build) });
  if (!rows.length) return null;
  return {
    groups: new Set(rows.map((r) => r.xmlid).filter((x): x is string => !!x)),
    hpLevel: rows[0]!.hp_level,
    rating: rows[0]!.rating === null ? null : Number(rows[0]!.rating),
  };
}

export async function userExists(db: SqlRunner, uid: number): Promise<boolean> {
  const q = sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${uid}`;
  return (await db.run({ compile: () => q.compile(build) })).length === 1;
}
