import type pg from 'pg';

/** One side's rows against what the clients were answered. */
export interface SideCheck {
  side: 'legacy' | 'service';
  /** `table #id`: a row a client was told it wrote, absent. */
  missing: string[];
  /** `table #id`: a row of the drill's users the drill did not write (a write applied twice, or a stray one). */
  extra: string[];
  /** A row present with other values than the last accepted write left it. */
  wrong: string[];
}

/** A table's rows of the drill's users, and which of them held before the drill (by id, on the monolith). */
export interface DrillRows {
  table: string;
  /** SQL naming the rows of the drill's users, `$1` an int4[] of their ids (`user_id = ANY($1::int4[])`). */
  where: string;
}

/** The ids each table holds for its owners before the drill writes any (one set per table). */
export async function baselineIds(pool: pg.Pool, tables: readonly (DrillRows & { owners: readonly number[] })[]): Promise<Record<string, Set<number>>> {
  const baseline: Record<string, Set<number>> = {};
  for (const t of tables) {
    const { rows } = await pool.query<{ id: number }>(`SELECT id FROM ${t.table} WHERE ${t.where}`, [t.owners]);
    baseline[t.table] = new Set(rows.map((r) => r.id));
  }
  return baseline;
}

/**
 * The checks of one side, as every drill makes them: `newRows` reads a table's rows of the drill's
 * users the baseline did not hold; `compare` holds each row a client was told it wrote against
 * the row found (missing, answered twice, `wrong` saying what differs) and counts every other new
 * row extra (`untracked` may first match rows the client was told of by a natural key, not an id).
 */
export function sideChecker(side: SideCheck['side'], pool: pg.Pool, baseline: Record<string, ReadonlySet<number>>) {
  const check: SideCheck = { side, missing: [], extra: [], wrong: [] };
  return {
    check,
    async newRows<R extends { id: number }>(table: string, columns: string, where: string, owners: readonly number[]): Promise<Map<number, R>> {
      const { rows } = await pool.query<R>(`SELECT id, ${columns} FROM ${table} WHERE ${where} ORDER BY id`, [owners]);
      const before = baseline[table] ?? new Set<number>();
      return new Map(rows.filter((r) => !before.has(r.id)).map((r) => [r.id, r]));
    },
    compare<T extends { id: number }, R extends { id: number }>(table: string, tracked: readonly T[], rows: Map<number, R>, wrong: (t: T, r: R) => string | undefined, untracked: (rows: R[]) => R[] = (r) => r): void {
      const seen = new Set<number>();
      for (const t of tracked) {
        if (seen.has(t.id)) check.extra.push(`${table} #${t.id} answered twice`);
        seen.add(t.id);
        const row = rows.get(t.id);
        if (!row) check.missing.push(`${table} #${t.id}`);
        else {
          const why = wrong(t, row);
          if (why) check.wrong.push(`${table} #${t.id}: ${why}`);
        }
      }
      for (const row of untracked([...rows.values()].filter((r) => !seen.has(r.id)))) check.extra.push(`${table} #${row.id}`);
    },
  };
}

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides, for the one-line summaries. */
export function lostAndDuplicated(sides: readonly SideCheck[]): { lost: number; duplicated: number; wrong: number } {
  return {
    lost: sides.reduce((n, s) => n + s.missing.length, 0),
    duplicated: sides.reduce((n, s) => n + s.extra.length, 0),
    wrong: sides.reduce((n, s) => n + s.wrong.length, 0),
  };
}

export const sideClean = (s: SideCheck): boolean => !s.missing.length && !s.extra.length && !s.wrong.length;
