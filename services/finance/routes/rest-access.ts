import { sql, type Kysely } from 'kysely';
import { type AccessPort, asProblems, type Bus, busEventSink, checkRecords, problems, type RouteContext } from '../../kit/index.ts';
import { financeRows, type FinanceHome } from '../db/finance-home.ts';
import { build, onKysely, type SqlRunner } from '../db/sql-runner.ts';
import type { FinanceLegacyTables } from '../db/tables.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { NO_EVENTS, type FinanceEventSink } from '../domain/finance-events.ts';
import { FinanceRefused } from '../domain/finance-refusal.ts';
import { readPaymentRows, type PaymentStore } from '../domain/payments.ts';
import type { SettlementStore } from '../domain/settlements.ts';

/** hp_account's operator group: its rules lift every finance record rule (`[(1, '=', 1)]`). */
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';

const utcNow = sql<string>`(now() at time zone 'UTC')`;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords };

/**
 * The domain's PaymentStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL and the read rules (404 outside them), the write needs the
 * write ACL and rules (403) — after the state check, as in Python, where `any(p.state != …)`
 * reads before `self.write` is checked. The write is one guarded UPDATE (state still the one
 * read), so a concurrent transition is never overwritten.
 */
export function restPaymentStore(rows: Kysely<any>, access: AccessPort): PaymentStore {
  const run = onKysely(rows);
  const states = new Map<number, string>();
  return {
    async read(ids) {
      await checkRecords(access, rows, 'hp.payment', 'payments', 'read', ids, 'payment');
      const found = await readPaymentRows(run, ids);
      for (const [id, row] of found) states.set(id, row.state);
      return found;
    },
    async write(ids, vals) {
      await checkRecords(access, rows, 'hp.payment', 'payments', 'write', ids, 'payment');
      await guardedUpdate(run, 'payments', ids, states, { ...vals, write_uid: access.uid });
    },
  };
}

/** The same for settlements (hp.settlement: payees read their own; operators read and write all). */
export function restSettlementStore(rows: Kysely<any>, access: AccessPort): SettlementStore {
  const run = onKysely(rows);
  const states = new Map<number, string>();
  return {
    async read(ids) {
      await checkRecords(access, rows, 'hp.settlement', 'settlements', 'read', ids, 'settlement');
      const found = await run.run(build.selectFrom('settlements').select(['id', 'state']).where('id', 'in', [...new Set(ids)]));
      for (const row of found) states.set(row.id, row.state);
      return new Map(found.map((r) => [r.id, r]));
    },
    async write(ids, vals) {
      await checkRecords(access, rows, 'hp.settlement', 'settlements', 'write', ids, 'settlement');
      await guardedUpdate(run, 'settlements', ids, states, { ...vals, write_uid: access.uid });
    },
  };
}

/**
 * The system's PaymentStore, for the payment provider's webhook: the provider is authenticated by
 * its signature, not as a user, and settles any payment, as `sudo()` would (create/write as
 * OdooBot, uid 1, Odoo's SUPERUSER_ID).
 */
export function systemPaymentStore(run: SqlRunner): PaymentStore {
  const states = new Map<number, string>();
  return {
    async read(ids) {
      const rows = await readPaymentRows(run, ids);
      for (const [id, row] of rows) states.set(id, row.state);
      return rows;
    },
    write: (ids, vals) => guardedUpdate(run, 'payments', ids, states, { ...vals, write_uid: SUPERUSER_ID }),
  };
}

/** Odoo's SUPERUSER_ID (OdooBot): who the provider's webhook acts as. */
export const SUPERUSER_ID = 1;

async function guardedUpdate(run: SqlRunner, table: 'payments' | 'settlements', ids: readonly number[], readStates: Map<number, string>, vals: Record<string, unknown>): Promise<void> {
  const unique = [...new Set(ids)];
  const changed = await run.run(
    build.updateTable(table as 'payments')
      .set({ ...(vals as object), write_date: utcNow } as never)
      .where((eb) => eb.or(unique.map((id) => eb.and([eb('id', '=', id), eb('state', '=', (readStates.get(id) ?? '') as never)]))))
      .returning('id'),
  );
  // Another transition won the race between the state check and this guarded update.
  if (changed.length !== unique.length) throw new FinanceRefused('state', `${table === 'payments' ? 'Payment' : 'Settlement'} ${unique.join(', ')}: its state changed meanwhile; read it again.`);
}

/**
 * Events of a REST request: the service's outbox in the request's transaction when finance owns
 * its modules; none while the monolith does (its rows are the truth then, and Odoo publishes
 * nothing: the legacy side of every finance use case is silent, finance-core's NO_EVENTS).
 */
export function restEventSink(ctx: Pick<RouteContext<FinanceDatabase>, 'db'> & { bus: Bus<FinanceDatabase> }, home: FinanceHome): FinanceEventSink {
  if (home === 'legacy') return NO_EVENTS;
  return busEventSink(ctx);
}

/**
 * A REST write on finance's rows: the home is decided holding the modules' owner rows (a cutover
 * or rollback waits for this request), then `work` runs on it — the request's own transaction of
 * svc_finance, or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(ctx: Pick<RouteContext<FinanceDatabase>, 'db' | 'legacyPool'>, work: (rows: Kysely<FinanceLegacyTables>, home: FinanceHome) => Promise<T>): Promise<T> {
  return financeRows.writeIn(ctx, work);
}

/** Where a REST read finds finance's rows now (svc_finance after cutover, the monolith before). */
export function readerOfHome(ctx: Pick<RouteContext<FinanceDatabase>, 'db' | 'legacyPool'>): Promise<Kysely<FinanceLegacyTables>> {
  return financeRows.readerNow(ctx);
}


/**
 * Whose rows a caller asks for: their own by default; someone else's only for an operator (the
 * finance record rules' operator clause). A member naming another user is refused outright,
 * rather than shown an empty ledger that would read as "has no points".
 */
export async function subjectUser(access: AccessPort, requested: number | undefined, what: string): Promise<number> {
  if (requested === undefined || requested === access.uid) return access.uid;
  if (!(await access.hasGroup(OPERATOR_GROUP))) throw problems.forbidden(`only operators may read another user's ${what}`);
  return requested;
}
