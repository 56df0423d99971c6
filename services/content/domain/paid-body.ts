import { sql, type RawBuilder } from 'kysely';

/**
 * Who reads the body of a content (the paid text): hp_knowledge has no rule, so any member reads
 * every paid body over RPC. Content's rule, one copy for every protocol and both phases:
 * - a free content (no price, or 0) shows its body to whoever may read the content;
 * - a paid one only to its author, its buyers (a content_purchases row that is paid: a REST
 *   purchase leaves purchased_at empty until its payment succeeded, domain/purchase-saga.ts), and staff
 *   (hp_account.group_hp_operator, which admins imply; the superuser is never asked).
 * Over RPC the engine answers `body` as empty (`False`) where this fails, in reads, domains,
 * orders and groupings (odoo/paid-body-guard.ts declares it); over REST the body is left out.
 *
 * `alias` is a row of knowledge_contents; every value is a literal (the engine repeats the
 * expression in SELECT and GROUP BY, which PostgreSQL compares as text).
 */
export function paidBodyShownSql(alias: string, uid: number): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const user = sql.lit(Math.trunc(uid));
  return sql`(COALESCE(${column('price')}, 0) = 0 OR ${column('author_id')} = ${user}
    OR EXISTS (SELECT 1 FROM content_purchases body_buyer WHERE body_buyer.content_id = ${column('id')} AND body_buyer.buyer_id = ${user} AND body_buyer.purchased_at IS NOT NULL)
    OR EXISTS (SELECT 1 FROM res_groups_users_rel body_staff JOIN ir_model_data body_group ON body_group.model = 'res.groups' AND body_group.res_id = body_staff.gid
                WHERE body_staff.uid = ${user} AND body_group.module = 'hp_account' AND body_group.name IN ('group_hp_operator', 'group_hp_admin')))`;
}
