import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Queryable } from '../../modules/queryable.ts';
import { ACTING_DELETE_ACTIONS, type DeleteAction, type DeleteRule } from './delete-rules.ts';

/**
 * The monolith's ON DELETE rules carried out in a service database (which has no foreign keys: the
 * syncs apply a batch per table, in no order across tables). Each acting rule (delete-rules.ts) is
 * a statement-level AFTER DELETE trigger on the referenced table, running one generic function
 * with the rule as its arguments: the referring rows are deleted, or their key set NULL / DEFAULT,
 * in the transaction of the delete. So they change under the session's replication origin: a
 * reference reader's or a forward reader's delete cascades as that reader's writes, which no
 * reverse reader echoes to the monolith (whose own key already did the same), and a delete the
 * service's engine makes cascades as a service write, which the reverse sync carries.
 *
 * Ordinary triggers (ENABLE, i.e. origin), not ENABLE ALWAYS: the appliers and the legacy command
 * processor write in the default session_replication_role (origin), where these fire; reconcile's
 * repairs write as `replica` and copy every table's rows as its owner has them, the referring
 * table included, so a cascade there would delete rows the repair of that table is about to
 * compare. TRUNCATE (a snapshot starting over) fires no DELETE trigger: the copy is refilled.
 * Restrict and no action install nothing: the monolith refused such a delete while rows named the
 * row, so none should; a service-side row left naming it is a difference `ficus reconcile` shows.
 */
export const DELETE_RULE_FUNCTION = 'ficus_cdc.apply_delete_rule';
const TRIGGER_PREFIX = 'ficus_fk_';
const TRANSITION = 'ficus_deleted_rows';
const ACTION_CODES: Partial<Record<DeleteAction, string>> = { cascade: 'c', 'set null': 'n', 'set default': 'd' };
const ACTION_OF_CODE: Record<string, DeleteAction> = { c: 'cascade', n: 'set null', d: 'set default' };

/**
 * Arguments: the referring table, the action code, and JSON arrays of the referring columns, the
 * referenced columns and the columns a set null / set default changes. The transition table of the
 * trigger holds the deleted rows; EXECUTE sees it (PL/pgSQL registers a trigger's transition
 * tables for every query of the call).
 */
const FUNCTION_SQL = `
CREATE SCHEMA IF NOT EXISTS ficus_cdc;
CREATE OR REPLACE FUNCTION ${DELETE_RULE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  referring text := TG_ARGV[0];
  action text := TG_ARGV[1];
  matches text;
  assignments text;
BEGIN
  -- A batch's delete of rows already gone still fires the statement's trigger: nothing to do then.
  PERFORM 1 FROM ${TRANSITION} LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT string_agg(format('t.%I = o.%I', c.name, r.name), ' AND ' ORDER BY c.i) INTO matches
    FROM json_array_elements_text(TG_ARGV[2]::json) WITH ORDINALITY AS c(name, i)
    JOIN json_array_elements_text(TG_ARGV[3]::json) WITH ORDINALITY AS r(name, i) USING (i);
  IF action = 'c' THEN
    EXECUTE format('DELETE FROM %I.%I t USING ${TRANSITION} o WHERE %s', TG_TABLE_SCHEMA, referring, matches);
  ELSE
    SELECT string_agg(format('%I = %s', s.name, CASE action WHEN 'n' THEN 'NULL' ELSE 'DEFAULT' END), ', ') INTO assignments
      FROM json_array_elements_text(TG_ARGV[4]::json) AS s(name);
    EXECUTE format('UPDATE %I.%I t SET %s FROM ${TRANSITION} o WHERE %s', TG_TABLE_SCHEMA, referring, assignments, matches);
  END IF;
  RETURN NULL;
END $fn$;`;

/** An acting rule as a service database carries it: read back from its trigger. */
export interface InstalledDeleteRule {
  trigger: string;
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  action: DeleteAction;
  setColumns: string[];
  /** pg_trigger.tgenabled: O fires in origin and local sessions (not under replica). */
  enabled: string;
}

export interface DeleteRuleInstallation {
  /** Acting rules whose trigger is in place (created now or already there). */
  installed: DeleteRule[];
  /** Acting rules the service database cannot carry, with why (a table or column it lacks). */
  skipped: { rule: DeleteRule; why: string }[];
  /** Triggers of rules the monolith no longer has, dropped. */
  dropped: string[];
  /** Triggers created or replaced by this call. */
  changed: number;
}

/** The trigger's name on the referenced table: the constraint's, prefixed (cut with a hash past PostgreSQL's 63 bytes). */
export function deleteRuleTriggerName(constraint: string): string {
  const name = `${TRIGGER_PREFIX}${constraint}`;
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash('sha1').update(constraint).digest('hex').slice(0, 10);
  return `${TRIGGER_PREFIX}${constraint.slice(0, 63 - TRIGGER_PREFIX.length - 11)}_${hash}`;
}

function triggerArguments(rule: DeleteRule): string[] {
  return [rule.table, ACTION_CODES[rule.action]!, JSON.stringify(rule.columns), JSON.stringify(rule.referencedColumns), JSON.stringify(rule.setColumns)];
}

/**
 * Puts the acting rules of `rules` in the service database and removes the triggers of rules no
 * longer derived. Idempotent: a trigger already carrying its rule is left alone (no lock taken on
 * a table a running applier writes). Serialised per database by an advisory lock (two modules of
 * one service starting).
 */
export async function installDeleteRules(service: pg.ClientBase, rules: readonly DeleteRule[]): Promise<DeleteRuleInstallation> {
  const result: DeleteRuleInstallation = { installed: [], skipped: [], dropped: [], changed: 0 };
  await service.query('SELECT pg_advisory_lock(hashtext($1))', [DELETE_RULE_FUNCTION]);
  try {
    const { rows: [fn] } = await service.query<{ present: boolean }>(`SELECT to_regprocedure($1) IS NOT NULL AS present`, [`${DELETE_RULE_FUNCTION}()`]);
    // Replacing the function takes no table lock, but only the first install needs it (and a newer Ficus's body).
    if (!fn?.present || !(await functionIsCurrent(service))) await service.query(FUNCTION_SQL);
    const present = new Map((await readInstalledDeleteRules(service)).map((r) => [`${r.references}\u0000${r.trigger}`, r]));
    const wanted = new Set<string>();
    for (const rule of rules) {
      if (!ACTING_DELETE_ACTIONS.includes(rule.action)) continue;
      const why = await missingFor(service, rule);
      if (why) {
        result.skipped.push({ rule, why });
        continue;
      }
      const trigger = deleteRuleTriggerName(rule.constraint);
      wanted.add(`${rule.references}\u0000${trigger}`);
      const there = present.get(`${rule.references}\u0000${trigger}`);
      if (!there || !carries(there, rule)) {
        const { rows: [ddl] } = await service.query<{ sql: string }>(
          `SELECT format('CREATE OR REPLACE TRIGGER %I AFTER DELETE ON public.%I REFERENCING OLD TABLE AS ${TRANSITION} FOR EACH STATEMENT EXECUTE FUNCTION ${DELETE_RULE_FUNCTION}(%L, %L, %L, %L, %L)',
                         $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text) AS sql`,
          [trigger, rule.references, ...triggerArguments(rule)],
        );
        await service.query(ddl!.sql);
        result.changed++;
      }
      result.installed.push(rule);
    }
    for (const [key, there] of present) {
      if (wanted.has(key)) continue;
      const { rows: [ddl] } = await service.query<{ sql: string }>(`SELECT format('DROP TRIGGER IF EXISTS %I ON public.%I', $1::text, $2::text) AS sql`, [there.trigger, there.references]);
      await service.query(ddl!.sql);
      result.dropped.push(`${there.references}.${there.trigger}`);
    }
  } finally {
    await service.query('SELECT pg_advisory_unlock(hashtext($1))', [DELETE_RULE_FUNCTION]);
  }
  return result;
}

async function functionIsCurrent(service: pg.ClientBase): Promise<boolean> {
  const { rows: [row] } = await service.query<{ src: string }>(`SELECT prosrc AS src FROM pg_proc WHERE oid = to_regprocedure($1)`, [`${DELETE_RULE_FUNCTION}()`]);
  const body = FUNCTION_SQL.slice(FUNCTION_SQL.indexOf('$fn$') + 4, FUNCTION_SQL.lastIndexOf('$fn$'));
  return row?.src === body;
}

/** Why the service database cannot carry `rule` (a table or a column missing), or null. */
async function missingFor(service: pg.ClientBase, rule: DeleteRule): Promise<string | null> {
  const { rows } = await service.query<{ table: string; missing: string[] | null }>(
    `SELECT w.tbl AS table,
            CASE WHEN to_regclass(format('public.%I', w.tbl)) IS NULL THEN NULL
                 ELSE ARRAY(SELECT c FROM unnest(w.cols) AS c WHERE NOT EXISTS (
                        SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(format('public.%I', w.tbl)) AND a.attname = c AND a.attnum > 0 AND NOT a.attisdropped)) END AS missing
       FROM (VALUES ($1::text, $2::text[]), ($3::text, $4::text[])) AS w(tbl, cols)`,
    [rule.table, [...new Set([...rule.columns, ...rule.setColumns])], rule.references, rule.referencedColumns],
  );
  for (const row of rows) {
    if (row.missing === null) return `the service database has no table ${row.table}`;
    if (row.missing.length) return `${row.table} has no column ${row.missing.join(', ')} in the service database`;
  }
  return null;
}

function carries(there: InstalledDeleteRule, rule: DeleteRule): boolean {
  return (
    there.table === rule.table && there.action === rule.action && there.enabled === 'O' &&
    JSON.stringify(there.columns) === JSON.stringify(rule.columns) &&
    JSON.stringify(there.referencedColumns) === JSON.stringify(rule.referencedColumns) &&
    JSON.stringify(there.setColumns) === JSON.stringify(rule.setColumns)
  );
}

/** The delete rules a service database carries, read from its triggers (sorted by referenced table, then trigger). */
export async function readInstalledDeleteRules(service: Queryable): Promise<InstalledDeleteRule[]> {
  const { rows } = await service.query<{ trigger: string; references: string; args: Buffer; enabled: string; nargs: number }>(
    `SELECT t.tgname::text AS trigger, c.relname::text AS references, t.tgargs AS args, t.tgnargs AS nargs, t.tgenabled::text AS enabled
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace AND t.tgfoid = to_regprocedure($1)
      ORDER BY c.relname, t.tgname`,
    [`${DELETE_RULE_FUNCTION}()`],
  );
  return rows.map((row) => {
    // tgargs: the arguments, each ended by a zero byte.
    const args = row.args.toString('utf8').split('\u0000').slice(0, row.nargs);
    const [table, code, columns, referencedColumns, setColumns] = args;
    return {
      trigger: row.trigger, references: row.references, table: table ?? '', action: ACTION_OF_CODE[code ?? ''] ?? ('unknown' as DeleteAction),
      columns: JSON.parse(columns ?? '[]') as string[], referencedColumns: JSON.parse(referencedColumns ?? '[]') as string[],
      setColumns: JSON.parse(setColumns ?? '[]') as string[], enabled: row.enabled,
    };
  });
}
