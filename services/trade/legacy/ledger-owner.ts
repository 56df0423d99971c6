import type pg from 'pg';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import { poolConnectionFacts, postgresUrl, type PostgresConnectionFacts } from '../../kit/index.ts';
import { FINANCE_DATABASE, financeAt, financeOwnership, rememberFinanceReach, type FinanceOwnership, type FinanceReach } from '../saga/finance-reach.ts';

/**
 * Who owns the points ledger (M14, moving with M13 and M15) as seen from the legacy side's
 * engine, which holds nothing but the connection of the call it answers. The answer is finance's
 * own record, the kit's write-owner rows in finance's database, read as trade's points-award
 * adapter and finance's finance-home read them (financeOwnership: finance only when it owns all
 * three), so the legacy side, trade and finance never disagree about where an award belongs.
 *
 * Finance's database, first match: one remembered for this monolith database (a runtime or a
 * test that knows where finance is), FICUS_FINANCE_DATABASE_URL, or `svc_finance` on the server
 * of the call's connection (embedded mode: the control plane's default service database). No
 * finance database there reads as "the monolith owns the ledger".
 */

/** host:port/database of a monolith database, the key a reach is remembered under. */
type DatabaseKey = string;

const remembered = new Map<DatabaseKey, FinanceReach>();

function keyOf(facts: PostgresConnectionFacts): DatabaseKey | null {
  if (!facts.database) return null;
  return `${facts.host ?? 'localhost'}:${facts.port ?? 5432}/${facts.database}`;
}

/** What a pg client connected with (pg.Client's connectionParameters); empty for anything else. */
function connectionFacts(db: Queryable): PostgresConnectionFacts {
  const parameters = (db as { connectionParameters?: PostgresConnectionFacts }).connectionParameters;
  if (parameters) return parameters;
  const options = (db as Partial<pg.Pool>).options;
  return options ? poolConnectionFacts(db as pg.Pool) : {};
}

/**
 * Remembers where finance is for the engine over this monolith database (the points-award
 * adapter's registry too, which keys by pool).
 */
export function rememberFinanceForLegacy(legacy: pg.Pool, reach: FinanceReach): void {
  rememberFinanceReach(legacy, reach);
  const key = keyOf(poolConnectionFacts(legacy));
  if (key) remembered.set(key, reach);
}

/** Forgets it again (a test's stack stopping). */
export function forgetFinanceForLegacy(legacy: pg.Pool): void {
  const key = keyOf(poolConnectionFacts(legacy));
  if (key) remembered.delete(key);
}

/** Finance's database for an engine whose call runs on `db`, or null when nothing says where it could be. */
export function financeForConnection(db: Queryable): FinanceReach | null {
  const facts = connectionFacts(db);
  const key = keyOf(facts);
  const known = key ? remembered.get(key) : undefined;
  if (known) return known;
  const configured = process.env.FICUS_FINANCE_DATABASE_URL;
  if (configured) return financeAt(configured);
  if (!facts.database) return null;
  // Same server, reached the same way: a socket directory as host stays one (postgresUrl's ?host=).
  // Named one by one: a pg client's password is not enumerable, so a spread would drop it.
  const { host, port, user, password } = facts;
  return financeAt(postgresUrl({ host, port, user, password, database: FINANCE_DATABASE }));
}

/**
 * The ledger's owner for a call running on `db`. Read, not held: the completion's transaction is
 * the monolith's, and nothing is lost either way a cutover or rollback falls. An award decided
 * "legacy" that commits after the flip reaches finance as a legacy command (an id from the legacy
 * block); one decided "finance" goes through the gateway's dispatch after the commit, which routes
 * it by the phase it finds then (back to the monolith after a rollback).
 */
export async function ledgerOwnerFor(db: Queryable): Promise<FinanceOwnership> {
  const finance = await financeForConnection(db)?.database();
  if (!finance) return 'legacy';
  return financeOwnership(finance, { hold: false, legacyConfigured: true });
}
