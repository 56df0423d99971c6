import type pg from 'pg';
import type { ChangeEvent } from '../events/change-event.ts';
import type { KeyedChange } from './fold-batch.ts';

/**
 * Changes the target refused (a foreign key, NOT NULL, unique or check constraint, a value it
 * cannot take), kept in the target next to the rows, committed with the batch that moved past
 * them: the sync goes on with the changes after them and loses none (DESIGN "Cutover must lose
 * nothing": parked, counted, shown by `ficus migrate status`, replayable once the cause is fixed).
 *
 * - `event` is the change itself, for the replay; logs and status show table, key and error only.
 * - A later full change of the same key (upsert or delete) decides the row by itself: it is
 *   applied and the parked one is `superseded`. A later partial update (unchanged TOAST columns
 *   left out) needs the earlier row, so it is parked behind it.
 */
export const PARKED_CHANGES_DDL = `
CREATE TABLE IF NOT EXISTS ficus_cdc.parked_change (
  id              bigserial   PRIMARY KEY,
  source          text        NOT NULL,
  table_name      text        NOT NULL,
  pk              text        NOT NULL,
  lsn             bigint      NOT NULL,
  op              text        NOT NULL,
  error_code      text        NOT NULL,
  constraint_name text,
  error           text        NOT NULL,
  event           jsonb       NOT NULL,
  attempts        integer     NOT NULL DEFAULT 1,
  parked_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  resolution      text
);
CREATE INDEX IF NOT EXISTS parked_change_open ON ficus_cdc.parked_change (source, table_name, pk) WHERE resolved_at IS NULL;`;

/** What PostgreSQL said, without the DETAIL line (which prints the row's values). */
export interface Refusal {
  code: string;
  constraint: string | null;
  message: string;
}

interface PgError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/**
 * A refusal of this one row by the target's rules: integrity (class 23) and data exceptions
 * (class 22). Anything else (a lost connection, a serialization failure, a missing column) is
 * not the row's fault and stops the batch as before, to be retried whole.
 */
export function refusalOf(error: unknown): Refusal | null {
  const e = error as PgError | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (!code.startsWith('23') && !code.startsWith('22')) return null;
  return { code, constraint: typeof e?.constraint === 'string' ? e.constraint : null, message: String(e?.message ?? '').split('\n')[0] ?? '' };
}

/** Open parked keys of `source` among `changes`, as `table\0pk`. */
export async function openParkedKeys(client: pg.ClientBase, source: string, changes: readonly KeyedChange[]): Promise<Set<string>> {
  if (!changes.length) return new Set();
  const { rows } = await client.query<{ table_name: string; pk: string }>(
    `SELECT DISTINCT p.table_name, p.pk FROM ficus_cdc.parked_change p
       JOIN unnest($2::text[], $3::text[]) AS c(table_name, pk) ON c.table_name = p.table_name AND c.pk = p.pk
      WHERE p.source = $1 AND p.resolved_at IS NULL`,
    [source, changes.map((c) => c.table.qualified), changes.map((c) => c.pk)],
  );
  return new Set(rows.map((r) => `${r.table_name}\u0000${r.pk}`));
}

export async function parkChange(client: pg.ClientBase, source: string, change: KeyedChange, refusal: Refusal): Promise<void> {
  await client.query(
    `INSERT INTO ficus_cdc.parked_change (source, table_name, pk, lsn, op, error_code, constraint_name, error, event)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
    [source, change.table.qualified, change.pk, change.position.lsn, change.event.value.op, refusal.code, refusal.constraint, refusal.message, JSON.stringify(change.event)],
  );
}

/** Parked changes of these keys that a newer full change just decided. */
export async function supersedeParked(client: pg.ClientBase, source: string, changes: readonly KeyedChange[]): Promise<number> {
  if (!changes.length) return 0;
  const result = await client.query(
    `UPDATE ficus_cdc.parked_change p SET resolved_at = now(), resolution = 'superseded'
       FROM unnest($2::text[], $3::text[]) AS c(table_name, pk)
      WHERE p.source = $1 AND p.resolved_at IS NULL AND p.table_name = c.table_name AND p.pk = c.pk`,
    [source, changes.map((c) => c.table.qualified), changes.map((c) => c.pk)],
  );
  return result.rowCount ?? 0;
}

export async function countOpenParked(client: pg.ClientBase, source: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ficus_cdc.parked_change WHERE source = $1 AND resolved_at IS NULL`, [source]);
  return rows[0]?.n ?? 0;
}

export interface OpenParkedChange {
  id: number;
  event: ChangeEvent;
}

/** The open parked changes of `source`, oldest first (per key, the order they happened in). */
export async function readOpenParked(client: pg.ClientBase, source: string): Promise<OpenParkedChange[]> {
  const { rows } = await client.query<{ id: string; event: ChangeEvent }>(
    `SELECT id, event FROM ficus_cdc.parked_change WHERE source = $1 AND resolved_at IS NULL ORDER BY id`,
    [source],
  );
  return rows.map((r) => ({ id: Number(r.id), event: r.event }));
}

export async function resolveParked(client: pg.ClientBase, id: number, resolution: 'applied' | 'superseded'): Promise<void> {
  await client.query(`UPDATE ficus_cdc.parked_change SET resolved_at = now(), resolution = $2 WHERE id = $1`, [id, resolution]);
}

export async function refusedAgain(client: pg.ClientBase, id: number, refusal: Refusal): Promise<void> {
  await client.query(
    `UPDATE ficus_cdc.parked_change SET attempts = attempts + 1, error_code = $2, constraint_name = $3, error = $4 WHERE id = $1`,
    [id, refusal.code, refusal.constraint, refusal.message],
  );
}

/** Per table and cause, what is parked and not resolved: for `ficus migrate status` and reconciliation. */
export interface ParkedSummary {
  table: string;
  code: string;
  constraint: string | null;
  count: number;
  oldest: Date;
}

/** Open parked changes of `source` in the database behind `db`; none when it has no bookkeeping yet. */
export async function summariseParked(db: Pick<pg.Pool, 'query'>, source: string): Promise<ParkedSummary[]> {
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('ficus_cdc.parked_change') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return [];
  const { rows } = await db.query<{ table_name: string; error_code: string; constraint_name: string | null; n: number; oldest: Date }>(
    `SELECT table_name, error_code, constraint_name, count(*)::int AS n, min(parked_at) AS oldest
       FROM ficus_cdc.parked_change WHERE source = $1 AND resolved_at IS NULL
      GROUP BY table_name, error_code, constraint_name ORDER BY table_name, error_code, constraint_name`,
    [source],
  );
  return rows.map((r) => ({ table: r.table_name, code: r.error_code, constraint: r.constraint_name, count: r.n, oldest: r.oldest }));
}

/** One line for humans: `2 parked (auth_tokens: 23503 auth_tokens_user_id_fkey ×2)`. */
export function describeParked(summary: readonly ParkedSummary[]): string {
  const total = summary.reduce((n, s) => n + s.count, 0);
  return `${total} change${total === 1 ? '' : 's'} parked, refused by the target (${summary.map((s) => `${s.table}: ${s.code}${s.constraint ? ` ${s.constraint}` : ''} ×${s.count}`).join('; ')})`;
}
