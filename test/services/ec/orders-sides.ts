import type pg from 'pg';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import type { EcDatabase } from '../../../services/ec/db/tables.ts';
import ec from '../../../services/ec/index.ts';
import type { ModuleOwner } from '../../support/service-rest-stack.ts';
import { odooErrorOf, startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

/** M09's tables. */
export const MALL_TABLES = ['orders', 'order_lines', 'inventories'] as const;

/**
 * Both sides of M09's cut on one pair of databases: ec's REST runtime (svc_ec after a backfill;
 * its write-owner row says where M09's rows live, `setOwner`), Odoo RPC on each side: `legacyRpc`
 * (the migration runtime's dispatch over the monolith: ec's legacy behaviours, finance's hp.payment
 * in phase legacy) and `serviceRpc` (ec's own engine over svc_ec, as the gateway answers M09 after
 * cutover, reaching other models through the same dispatch).
 */
export type MallSides = ServiceSides<EcDatabase>;

export function startMallSides(owner: ModuleOwner = 'legacy'): Promise<MallSides> {
  return startServiceSides<EcDatabase>({ definition: ec, tables: MALL_TABLES, owner, engineLegacyPool: true });
}

/** What a JSON-RPC client receives (floats arrive as numbers). */
export const wire = (value: unknown): any => JSON.parse(stringifyPythonJson(value));

export { odooErrorOf };

/** Active members of hp_account's group_hp_member only (no merchant, operator, admin or system rights), lowest ids first. */
export async function plainMembers(pool: pg.Pool, count: number): Promise<number[]> {
  const { rows } = await pool.query<{ uid: number }>(
    `WITH g AS (SELECT r.uid, d.name FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module IN ('hp_account', 'base'))
     SELECT u.id AS uid FROM res_users u WHERE u.active AND u.id > 2
        AND EXISTS (SELECT 1 FROM g WHERE g.uid = u.id AND g.name = 'group_hp_member')
        AND NOT EXISTS (SELECT 1 FROM g WHERE g.uid = u.id AND g.name IN ('group_hp_merchant', 'group_hp_operator', 'group_hp_admin', 'group_hp_coach', 'group_system'))
      ORDER BY u.id LIMIT $1`,
    [count],
  );
  return rows.map((r) => r.uid);
}

/** An active user of an hp_account group who is not an administrator, the lowest id. */
export async function userOfGroup(pool: pg.Pool, group: string): Promise<number> {
  const { rows } = await pool.query<{ uid: number }>(
    `WITH members AS (SELECT r.uid, d.name FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module IN ('hp_account', 'base'))
     SELECT min(m.uid) AS uid FROM members m JOIN res_users u ON u.id = m.uid AND u.active
      WHERE m.name = $1 AND m.uid > 2 AND m.uid NOT IN (SELECT uid FROM members WHERE name IN ('group_hp_admin', 'group_system'))`, [group]);
  return rows[0]!.uid;
}

/** Gives each product exactly these warehouse stocks (quantity, nothing reserved) on `pool`, replacing its inventory rows. */
export async function stockProducts(pool: pg.Pool, stocks: ReadonlyMap<number, readonly { warehouse: string; quantity: number }[]>): Promise<void> {
  const ids = [...stocks.keys()];
  await pool.query('DELETE FROM inventories WHERE product_id = ANY($1::int4[])', [ids]);
  for (const [productId, rows] of stocks) {
    for (const row of rows) {
      await pool.query(
        `INSERT INTO inventories (product_id, warehouse, quantity, reserved, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, $3, 0, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC')`,
        [productId, row.warehouse, row.quantity],
      );
    }
  }
}
