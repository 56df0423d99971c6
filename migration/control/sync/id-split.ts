import type pg from 'pg';
import { highestNameNumber, legacyCounter, NAME_SEQUENCES } from './name-sequences.ts';
import { quoteIdent } from '../../../platform/quote-ident.ts';

/** Size of the id block the legacy side moves to at each cutover. */
export const LEGACY_ID_BLOCK = 10_000_000;

export interface IdSplit {
  table: string;
  /** Set for a document-name counter (the ir.sequence code), split like the ids. */
  sequence?: string;
  /** Highest id either side had handed out. */
  boundary: number;
  /** The service's next ids: (boundary, legacyStart). */
  serviceMax: number;
  /** Legacy's next id (a legacy code path inserting after cutover). */
  legacyStart: number;
}

async function sequenceState(db: pg.ClientBase | pg.Pool, table: string): Promise<{ seq: string | null; max: number; last: number }> {
  // A relation table (hp_account's permission_group_rel) has no id column: asking for its
  // sequence or max(id) would be an error, and it has nothing to split.
  const { rows } = await db.query<{ seq: string | null }>(
    `SELECT pg_get_serial_sequence($1, 'id') AS seq FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'id' AND NOT attisdropped`,
    [`public.${table}`],
  );
  const seq = rows[0]?.seq ?? null;
  if (!seq) return { seq: null, max: 0, last: 0 };
  const max = await db.query<{ max: string | null }>(`SELECT max(id)::text AS max FROM ${quote(table)}`);
  const r = await db.query<{ last: string | null }>(`SELECT last_value::text AS last FROM ${seq}`);
  return { seq, max: Number(max.rows[0]?.max ?? 0), last: Number(r.rows[0]?.last ?? 0) };
}

function quote(table: string): string {
  return `public.${quoteIdent(table)}`;
}

/**
 * Splits the id spaces at cutover so neither side can hand out an id the other already used
 * or will use: the service continues right after the highest id either side ever handed out,
 * capped below a fresh legacy block (its sequence gets MAXVALUE, so running into the block is
 * an error, not a collision); the legacy sequence jumps to the start of that block, for
 * legacy code paths that still insert (their rows become commands to the service and keep
 * their ids). After a rollback legacy continues in its block, above every service id; the
 * next cutover moves both past everything again. Runs inside the freeze, after the drain.
 */
export async function splitIdSpaces(legacy: pg.Pool, service: pg.Pool, tables: readonly string[]): Promise<IdSplit[]> {
  const out: IdSplit[] = [];
  for (const table of tables) {
    const l = await sequenceState(legacy, table);
    const s = await sequenceState(service, table);
    if (!l.seq || !s.seq) continue; // relation tables without an id sequence
    const boundary = Math.max(l.max, l.last, s.max, s.last);
    const legacyStart = (Math.floor(boundary / LEGACY_ID_BLOCK) + 1) * LEGACY_ID_BLOCK + 1;
    await service.query(`ALTER SEQUENCE ${s.seq} MAXVALUE ${legacyStart - 1} RESTART WITH ${boundary + 1}`);
    await legacy.query('SELECT setval($1, $2, false)', [l.seq, legacyStart]);
    out.push({ table, boundary, serviceMax: legacyStart - 1, legacyStart });
  }
  for (const names of NAME_SEQUENCES.filter((n) => tables.includes(n.table))) {
    const split = await splitNameSpace(legacy, service, names);
    if (split) out.push(split);
  }
  return out;
}

/**
 * The same split for a document-name counter (order names `SO/<year>/<n>` under a unique
 * constraint): the service continues after the highest number either side handed out, capped
 * below a fresh block; the legacy ir.sequence jumps to the block. So after a rollback legacy
 * names continue above every name the service gave out.
 */
async function splitNameSpace(legacy: pg.Pool, service: pg.Pool, names: (typeof NAME_SEQUENCES)[number]): Promise<IdSplit | null> {
  const counter = await legacyCounter(legacy, names.legacyCode);
  if (!counter) return null;
  const seq = `public.${quoteIdent(names.serviceSequence)}`;
  const exists = await service.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [seq]);
  if (!exists.rows[0]?.ok) return null;
  const { rows } = await service.query<{ last: string; called: boolean }>(`SELECT last_value::text AS last, is_called AS called FROM ${seq}`);
  const serviceLast = rows[0]!.called ? Number(rows[0]!.last) : 0;
  const boundary = Math.max((await counter.next()) - 1, serviceLast, await highestNameNumber(legacy, names), await highestNameNumber(service, names));
  const legacyStart = (Math.floor(boundary / LEGACY_ID_BLOCK) + 1) * LEGACY_ID_BLOCK + 1;
  await service.query(`ALTER SEQUENCE ${seq} MAXVALUE ${legacyStart - 1}`);
  // is_called stays true, so the service's first draw continues here instead of catching up on its own.
  if (boundary > 0) await service.query('SELECT setval($1::regclass, $2, true)', [seq, boundary]);
  await counter.moveTo(legacyStart);
  return { table: names.table, sequence: names.legacyCode, boundary, serviceMax: legacyStart - 1, legacyStart };
}
