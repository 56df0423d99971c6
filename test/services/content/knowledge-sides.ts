import type pg from 'pg';
import type { ContentDatabase } from '../../../services/content/db/tables.ts';
import content from '../../../services/content/index.ts';
import type { ModuleOwner } from '../../support/service-rest-stack.ts';
import { odooErrorOf, startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

/** M06's tables. */
export const KNOWLEDGE_TABLES = ['content_tags', 'knowledge_contents', 'knowledge_content_tag_rel', 'content_purchases'] as const;

/**
 * Both sides of M06's cut on one pair of databases: content's REST runtime (svc_content after a
 * backfill; its write-owner rows say where M06's rows live, `setOwner`), Odoo RPC on each side:
 * `legacyRpc` (the migration runtime's dispatch over the monolith: content's legacy behaviours)
 * and `serviceRpc` (content's own engine over svc_content, as the gateway answers M06 after
 * cutover).
 */
export type KnowledgeSides = ServiceSides<ContentDatabase>;

export function startKnowledgeSides(owner: ModuleOwner = 'legacy'): Promise<KnowledgeSides> {
  return startServiceSides<ContentDatabase>({ definition: content, tables: KNOWLEDGE_TABLES, owner, engineLegacyPool: true });
}

export { odooErrorOf };

const GROUPS_OF = `WITH g AS (SELECT r.uid, d.name FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module IN ('hp_account', 'base'))`;

/** Active members of group_hp_member only (no coach, merchant, operator, admin or system rights), lowest ids first. */
export async function plainMembers(pool: pg.Pool, count: number, offset = 0): Promise<number[]> {
  const { rows } = await pool.query<{ uid: number }>(
    `${GROUPS_OF}
     SELECT u.id AS uid FROM res_users u WHERE u.active AND u.id > 2
        AND EXISTS (SELECT 1 FROM g WHERE g.uid = u.id AND g.name = 'group_hp_member')
        AND NOT EXISTS (SELECT 1 FROM g WHERE g.uid = u.id AND g.name IN ('group_hp_merchant', 'group_hp_operator', 'group_hp_admin', 'group_hp_coach', 'group_system'))
      ORDER BY u.id LIMIT $1 OFFSET $2`,
    [count, offset],
  );
  return rows.map((r) => r.uid);
}

/** An active user of an hp_account group who is not an administrator, the lowest id. */
export async function userOfGroup(pool: pg.Pool, group: string): Promise<number> {
  const { rows } = await pool.query<{ uid: number }>(
    `${GROUPS_OF}
     SELECT min(g.uid) AS uid FROM g JOIN res_users u ON u.id = g.uid AND u.active
      WHERE g.name = $1 AND g.uid > 2 AND g.uid NOT IN (SELECT uid FROM g WHERE name IN ('group_hp_admin', 'group_system'))`, [group]);
  return rows[0]!.uid;
}

/**
 * A published paid content of the seed with its author, a buyer, and a plain member who has not
 * bought it (and is not its author), on `pool`.
 */
export async function paidContent(pool: pg.Pool): Promise<{ id: number; title: string; price: string; authorId: number; buyerId: number; nonBuyerId: number }> {
  const { rows } = await pool.query<{ id: number; title: string; price: string; author_id: number; buyer_id: number }>(
    `SELECT k.id, k.title, k.price::text AS price, k.author_id, min(p.buyer_id) AS buyer_id FROM knowledge_contents k JOIN content_purchases p ON p.content_id = k.id
      WHERE k.published AND k.price > 0 AND k.author_id IS NOT NULL GROUP BY k.id ORDER BY k.id LIMIT 1`,
  );
  const row = rows[0]!;
  const buyers = new Set((await pool.query<{ buyer_id: number }>('SELECT buyer_id FROM content_purchases WHERE content_id = $1', [row.id])).rows.map((r) => r.buyer_id));
  const nonBuyerId = (await plainMembers(pool, 60)).find((uid) => !buyers.has(uid) && uid !== row.author_id)!;
  return { id: row.id, title: row.title, price: row.price, authorId: row.author_id, buyerId: row.buyer_id, nonBuyerId };
}
