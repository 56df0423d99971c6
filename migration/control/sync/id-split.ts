import type pg from 'pg';

/** Size of the id block the legacy side moves to at each cutover. */
export const LEGACY_ID_BLOCK = 10_000_000;

export interface IdSplit {
  table: string;
  /** Highest id either side had handed out. */
  boundary: number;
  /** The service's next ids: (boundary, legacyStart). */
  serviceMax: number;
  /** Legacy's next id (a legacy code path inserting after cutover). */
  legacyStart: number;
}

async function sequenceState(db: pg.ClientBase | pg.Pool, table: string): Promise<{ seq: string | null; max: number; last: number }> {
  const { rows } = await db.query<{ seq: string | null; max: string | null }>(
    `SELECT pg_get_serial_sequence($1, 'id') AS seq, (SELECT max(id) FROM ${quote(table)})::text AS max`,
    [`public.${table}`],
  );
  const seq = rows[0]?.seq ?? null;
  let last = 0;
  if (seq) {
    const r = await db.query<{ last: string | null }>(`SELECT last_value::text AS last FROM ${seq}`);
    last = Number(r.rows[0]?.last ?? 0);
  }
  return { seq, max: Number(rows[0]?.max ?? 0), last };
}

function quote(table: string): string {
  return `public."${table.replace(/"/g, '""')}"`;
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
  return out;
}
