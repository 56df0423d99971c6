import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * hp_mall's ir.sequence `hp.mall.order` (data/ir_sequence_data.xml): prefix `MO/%(year)s/`,
 * five digits. The year comes from the clock in UTC (no user tz over RPC).
 */
export const ORDER_NAME_PADDING = 5;

export function mallOrderName(number: number, now = new Date()): string {
  return `MO/${now.getUTCFullYear()}/${String(number).padStart(ORDER_NAME_PADDING, '0')}`;
}

/** Names drawn from that sequence (any year), so the counter can continue after the highest one. */
export const MALL_ORDER_NAME_PATTERN = '^MO/[0-9]{4}/[0-9]+$';

/**
 * Moves svc_ec's counter past the highest number any order name carries, among the numbers below
 * the counter's cap: names above it are the legacy side's block after a cutover (the cutover's
 * name split, migration/control/sync/id-split.ts), never ours to continue.
 */
async function catchUp(db: SqlRunner): Promise<void> {
  await db.raw(`SELECT setval('mall_order_name_seq', m.n, true)
    FROM (SELECT max(substring(name from '[0-9]+$')::bigint) AS n FROM orders
           WHERE name ~ $1
             AND substring(name from '[0-9]+$')::bigint <= (SELECT max_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = 'mall_order_name_seq')) m
    WHERE m.n IS NOT NULL AND m.n >= (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM mall_order_name_seq)`, [MALL_ORDER_NAME_PATTERN]);
}

/**
 * `next_by_code('hp.mall.order')` on svc_ec (ec migration 0002's mall_order_name_seq). A
 * PostgreSQL sequence, like the legacy `standard` ir.sequence, so a rolled-back create leaves a
 * gap as in Odoo. It continues after the names the legacy side handed out (never drawn before
 * cutover) and skips a name that exists already (drawn by the legacy side after a rollback).
 */
export async function nextMallOrderName(db: SqlRunner, now = new Date()): Promise<string> {
  const [state] = await db.raw<{ is_called: boolean }>('SELECT is_called FROM mall_order_name_seq');
  if (!state?.is_called) await catchUp(db);
  for (let attempt = 0; ; attempt += 1) {
    const [row] = await db.raw<{ n: string }>(`SELECT nextval('mall_order_name_seq')::text AS n`);
    const name = mallOrderName(Number(row!.n), now);
    const taken = await db.raw('SELECT 1 FROM orders WHERE name = $1', [name]);
    if (!taken.length || attempt >= 3) return name;
    await catchUp(db);
  }
}

/**
 * The same draw on the monolith while it owns M09 (a REST order before cutover): Odoo's own
 * ir.sequence, `standard` (its PostgreSQL sequence) or `no_gap` (number_next under the row lock),
 * so the names continue exactly as Odoo's next create would.
 */
export async function nextLegacyMallOrderName(db: SqlRunner, now = new Date()): Promise<string> {
  const [seq] = await db.raw<{ id: number; implementation: string; padding: number; number_increment: number }>(
    `SELECT id, implementation, padding, number_increment FROM ir_sequence WHERE code = 'hp.mall.order' AND active ORDER BY company_id NULLS LAST, id LIMIT 1`,
  );
  if (!seq) return '/';
  const [row] = seq.implementation === 'standard'
    ? await db.raw<{ n: string }>(`SELECT nextval($1::regclass)::text AS n`, [`ir_sequence_${String(seq.id).padStart(3, '0')}`])
    : await db.raw<{ n: string }>('UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = $1 RETURNING (number_next - number_increment)::text AS n', [seq.id]);
  return `MO/${now.getUTCFullYear()}/${row!.n.padStart(seq.padding, '0')}`;
}
