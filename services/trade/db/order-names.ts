import { sql, type Compilable, type CompiledQuery } from 'kysely';
import { orderName, SEQUENCE_NAME_PATTERN } from '../domain/order-name.ts';
import { build, type SqlRunner } from './sql-runner.ts';

const raw = <R>(query: ReturnType<typeof sql<R>>): Compilable<R> => ({ compile: () => query.compile(build) as CompiledQuery<R> });

/**
 * Moves the counter past the highest number any order name drawn from the sequence carries,
 * among the numbers below the counter's cap: names above it are the legacy side's block (the
 * cutover's name split, migration/control/sync/id-split.ts), never ours to continue.
 */
async function catchUp(db: SqlRunner): Promise<void> {
  await db.run(raw(sql`SELECT setval('service_order_name_seq', m.n, true)
    FROM (SELECT max(substring(name from '[0-9]+$')::bigint) AS n FROM service_orders
           WHERE name ~ ${SEQUENCE_NAME_PATTERN}
             AND substring(name from '[0-9]+$')::bigint <= (SELECT max_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = 'service_order_name_seq')) m
    WHERE m.n IS NOT NULL AND m.n >= (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM service_order_name_seq)`));
}

/**
 * `next_by_code('hp.service.order')` on trade's database. A PostgreSQL sequence, like the
 * legacy `standard` ir.sequence, so a rolled-back create leaves a gap there as it did in Odoo.
 * The counter continues after the names the legacy side handed out (it has never been drawn
 * from before cutover) and skips past a name that exists already (drawn by the legacy side
 * after a rollback).
 */
export async function nextOrderName(db: SqlRunner, now = new Date()): Promise<string> {
  const [state] = await db.run(raw<{ is_called: boolean }>(sql`SELECT is_called FROM service_order_name_seq`));
  if (!state?.is_called) await catchUp(db);
  for (let attempt = 0; ; attempt += 1) {
    const [row] = await db.run(raw<{ n: string }>(sql`SELECT nextval('service_order_name_seq')::text AS n`));
    const name = orderName(Number(row!.n), now);
    const taken = await db.run(build.selectFrom('service_orders').select('id').where('name', '=', name));
    if (!taken.length || attempt >= 3) return name;
    await catchUp(db);
  }
}
