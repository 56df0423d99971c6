import type pg from 'pg';
import { quoteIdent } from './quote-ident.ts';

/** One AFTER trigger calling the set's function. */
export interface NotifyTrigger {
  readonly name: string;
  readonly table: string;
  /** The AFTER events, as CREATE TRIGGER takes them ('UPDATE OR DELETE'). */
  readonly events: string;
  /** `FOR EACH ...` and an optional WHEN. */
  readonly level: string;
}

/**
 * A trigger function that NOTIFYs a channel and the triggers that call it: what a change feed
 * (listen-subscription.ts) needs in a database so that whoever writes the watched tables (Odoo,
 * a sync, psql) announces it.
 */
export interface NotifyTriggerSet {
  /** What the function NOTIFYs. */
  readonly channel: string;
  readonly functionName: string;
  /** The plpgsql body; a different body in the database (an older version) is replaced. */
  readonly functionSource: string;
  readonly triggers: readonly NotifyTrigger[];
  /** A stable advisory-lock key that serialises installs by several processes. */
  readonly installLock: number;
  /**
   * ENABLE ALWAYS: the triggers fire under session_replication_role = replica too, for tables a
   * sync writes that way. Otherwise they are left as CREATE TRIGGER makes them (origin only).
   */
  readonly alwaysEnabled: boolean;
}

/**
 * Installs the function and every trigger of a table that exists (a table created later is seen
 * by notifyTriggersInPlace, whose caller installs again). Already in place (the usual case) it
 * takes no lock at all; installing takes CREATE TRIGGER's lock on the tables, which blocks writes
 * (never reads), with a short lock_timeout so that a long transaction makes the install give up
 * rather than queue writers behind it. Returns false when it cannot install (not the tables'
 * owner, the lock timed out): the caller then keeps its short TTL.
 */
export async function ensureNotifyTriggers(pool: pg.Pool, set: NotifyTriggerSet, lockTimeoutMs = 2000): Promise<boolean> {
  if (await notifyTriggersInPlace(pool, set)) return true;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [set.installLock]);
    const fn = quoteIdent(set.functionName);
    await client.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $ficus$${set.functionSource}$ficus$`);
    for (const trigger of set.triggers) {
      const { rows } = await client.query<{ exists: boolean; state: string | null }>(
        `SELECT to_regclass($2) IS NOT NULL AS exists,
                (SELECT tgenabled FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2) AND NOT tgisinternal) AS state`,
        [trigger.name, trigger.table],
      );
      if (!rows[0]!.exists) continue;
      const table = quoteIdent(trigger.table);
      const name = quoteIdent(trigger.name);
      if (rows[0]!.state === null) await client.query(`CREATE TRIGGER ${name} AFTER ${trigger.events} ON ${table} ${trigger.level} EXECUTE FUNCTION ${fn}()`);
      const state = rows[0]!.state ?? 'O';
      if (!enabledStates(set).includes(state)) await client.query(`ALTER TABLE ${table} ENABLE ${set.alwaysEnabled ? 'ALWAYS ' : ''}TRIGGER ${name}`);
    }
    await client.query('COMMIT');
    return true;
  } catch {
    await client.query('ROLLBACK').catch(() => undefined);
    return false;
  } finally {
    client.release();
  }
}

/** Whether the function is this version's and every existing watched table has its trigger, enabled as the set wants. */
export async function notifyTriggersInPlace(db: Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'>, set: NotifyTriggerSet): Promise<boolean> {
  const { rows } = await db.query<{ source: string | null; expected: number; present: number }>(
    `SELECT (SELECT prosrc FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace) AS source,
            (SELECT count(*)::int FROM unnest($2::text[], $3::text[]) AS s(name, tab) WHERE to_regclass(s.tab) IS NOT NULL) AS expected,
            (SELECT count(*)::int FROM unnest($2::text[], $3::text[]) AS s(name, tab)
               JOIN pg_trigger t ON t.tgname = s.name AND t.tgrelid = to_regclass(s.tab) AND NOT t.tgisinternal
                AND t.tgenabled = ANY($4::"char"[]) AND t.tgfoid = to_regprocedure($1 || '()')) AS present`,
    [set.functionName, set.triggers.map((t) => t.name), set.triggers.map((t) => t.table), enabledStates(set)],
  );
  const row = rows[0];
  return row?.source === set.functionSource && row.expected === row.present;
}

/** pg_trigger.tgenabled values that count as enabled: 'A' always; 'O' fires except under replica. */
function enabledStates(set: NotifyTriggerSet): string[] {
  return set.alwaysEnabled ? ['A'] : ['O', 'A'];
}
