import type pg from 'pg';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
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

interface ConnectionFacts {
  host?: string;
  port?: number | string;
  database?: string;
  user?: string;
  password?: unknown;
}

function keyOf(facts: ConnectionFacts): DatabaseKey | null {
  if (!facts.database) return null;
  return `${facts.host ?? 'localhost'}:${facts.port ?? 5432}/${facts.database}`;
}

function poolFacts(pool: pg.Pool): ConnectionFacts {
  const { connectionString, host, port, database, user, password } = pool.options;
  if (!connectionString) return { host: host ?? undefined, port: port ?? undefined, database: database ?? undefined, user: user ?? undefined, password };
  const url = new URL(connectionString);
  return { host: url.hostname, port: url.port || 5432, database: decodeURIComponent(url.pathname.slice(1)), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** What a pg client connected with (pg.Client's connectionParameters); empty for anything else. */
function connectionFacts(db: Queryable): ConnectionFacts {
  const parameters = (db as { connectionParameters?: ConnectionFacts }).connectionParameters;
  if (parameters) return parameters;
  const options = (db as Partial<pg.Pool>).options;
  return options ? poolFacts(db as pg.Pool) : {};
}

/**
 * Remembers where finance is for the engine over this monolith database (the points-award
 * adapter's registry too, which keys by pool).
 */
export function rememberFinanceForLegacy(legacy: pg.Pool, reach: FinanceReach): void {
  rememberFinanceReach(legacy, reach);
  const key = keyOf(poolFacts(legacy));
  if (key) remembered.set(key, reach);
}

/** Forgets it again (a test's stack stopping). */
export function forgetFinanceForLegacy(legacy: pg.Pool): void {
  const key = keyOf(poolFacts(legacy));
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
  const url = new URL('postgres://localhost');
  url.hostname = String(facts.host ?? 'localhost');
  if (facts.port) url.port = String(facts.port);
  if (facts.user) url.username = encodeURIComponent(facts.user);
  if (typeof facts.password === 'string' && facts.password) url.password = encodeURIComponent(facts.password);
  url.pathname = `/${FINANCE_DATABASE}`;
  return financeAt(url.toString());
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
