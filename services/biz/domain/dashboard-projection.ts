import type { Kysely } from 'kysely';
import type pg from 'pg';
import { dashboardHome } from '../db/biz-home.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import { claimDirtyMonths, lockOwnerDashboards, type DashboardKey } from './dashboard-facts.ts';
import { baselineOf, factTotalsOf, figuresOf, type DashboardRowValues } from './dashboard-figures.ts';

/** Odoo's superuser (SUPERUSER_ID): the dashboards are written by the platform, as a cron would, not by a person. */
const PLATFORM_UID = 1;
/** The company currency of the monolith (res_currency 6, CNY) for a database holding no res_company. */
const LEGACY_COMPANY_CURRENCY_ID = 6;

/** Marks taken per projecting transaction: enough to coalesce a burst, few enough to keep the transaction short. */
const CLAIM_LIMIT = 2000;

/**
 * Projects every month marked dirty into biz_dashboards, where M03's rows live now
 * (db/biz-home.ts): svc_biz from M03's cutover on, in the projecting transaction; before it the
 * monolith, in its own transaction committing just before. Each row gets absolute values
 * computed from all facts committed when the owner's lock was taken, so writing it twice writes
 * the same row: a legacy write whose svc_biz transaction then rolls back leaves its marks in
 * place and is simply written again. Many events' marks of one month become one write.
 * `database` opens the transactions (the service database); with `within`, the caller's open
 * transaction is used instead (a handler called directly, without the bus's after-commit).
 */
export async function projectDirtyDashboards(database: Kysely<any>, legacyPool: pg.Pool | null, within?: Kysely<any>): Promise<number> {
  let projected = 0;
  for (;;) {
    const project = async (tx: Kysely<any>) => {
      const run = onKysely(tx);
      const { keys, claimed } = await claimDirtyMonths(run, CLAIM_LIMIT);
      if (!keys.length) return claimed;
      await lockOwnerDashboards(run, keys.map((k) => k.ownerId));
      const totals = await factTotalsOf(run, keys);
      const home = await dashboardHome.home(tx, legacyPool, { hold: true });
      await dashboardHome.inHome(tx, legacyPool, home, async (rows) => {
        const target = onKysely(rows);
        for (const [index, key] of keys.entries()) await writeDashboard(target, key, totals[index]!);
      });
      projected += keys.length;
      return claimed;
    };
    const claimed = within ? await project(within) : await database.transaction().execute(project);
    if (claimed < CLAIM_LIMIT) return projected;
  }
}

async function writeDashboard(run: SqlRunner, key: DashboardKey, totals: Awaited<ReturnType<typeof factTotalsOf>>[number]): Promise<void> {
  const [row] = await run.raw<DashboardRowValues & { id: number }>(
    'SELECT id, orders_count, revenue::text AS revenue, new_clients, rating_avg::text AS rating_avg, data FROM biz_dashboards WHERE owner_id = $1 AND period = $2::date FOR UPDATE',
    [key.ownerId, key.period],
  );
  const figures = figuresOf(totals, baselineOf(row));
  const values = [key.ownerId, key.period, figures.ordersCount, figures.revenue, figures.newClients, figures.ratingAvg, JSON.stringify(figures.data), PLATFORM_UID];
  if (row) {
    await run.raw(
      `UPDATE biz_dashboards SET orders_count = $3, revenue = $4::numeric, new_clients = $5, rating_avg = $6::numeric, data = $7::jsonb,
              write_uid = $8, write_date = now() AT TIME ZONE 'UTC' WHERE id = $9 AND owner_id = $1 AND period = $2::date`,
      [...values, row.id],
    );
    return;
  }
  // A concurrent writer of a new row can only be Odoo itself (an administrator's create): the
  // unique (owner_id, period) then refuses ours and the handling is retried, finding that row.
  await run.raw(
    `INSERT INTO biz_dashboards (owner_id, period, orders_count, revenue, new_clients, rating_avg, data, currency_id, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2::date, $3, $4::numeric, $5, $6::numeric, $7::jsonb, $9, $8, $8, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')`,
    [...values, await companyCurrencyId(run)],
  );
}

/** hp.biz.dashboard.currency_id's default (the company's currency): res_company where the database has it (the monolith, svc_biz's copy if any). */
async function companyCurrencyId(run: SqlRunner): Promise<number> {
  const [table] = await run.raw<{ present: boolean }>(`SELECT to_regclass('res_company') IS NOT NULL AS present`);
  if (!table?.present) return LEGACY_COMPANY_CURRENCY_ID;
  const [company] = await run.raw<{ currency_id: number | null }>('SELECT currency_id FROM res_company ORDER BY id LIMIT 1');
  return company?.currency_id ?? LEGACY_COMPANY_CURRENCY_ID;
}
