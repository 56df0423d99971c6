import type pg from 'pg';

export type SyncDirection = 'forward' | 'reverse';
/** apply: copy rows; command: turn each change into a command to the owner; ignore: the other side owns it. */
export type SyncMode = 'apply' | 'command' | 'ignore';

export interface SyncSwitch {
  seq: number;
  atLsn: number | null;
  mode: SyncMode;
}

type Db = pg.Pool | pg.ClientBase;

export async function requestSync(db: Db, module: string, actor: string): Promise<void> {
  await db.query(
    `INSERT INTO ficus_migration.sync_request (module, requested_by) VALUES ($1, $2) ON CONFLICT (module) DO NOTHING`,
    [module, actor],
  );
}

export async function syncRequests(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ module: string }>('SELECT module FROM ficus_migration.sync_request ORDER BY module');
  return rows.map((r) => r.module);
}

export async function readSwitches(db: Db, module: string, direction: SyncDirection): Promise<SyncSwitch[]> {
  const { rows } = await db.query<{ seq: string; at_lsn: string | null; mode: SyncMode }>(
    'SELECT seq, at_lsn, mode FROM ficus_migration.sync_switch WHERE module = $1 AND direction = $2 ORDER BY seq',
    [module, direction],
  );
  return rows.map((r) => ({ seq: Number(r.seq), atLsn: r.at_lsn === null ? null : Number(r.at_lsn), mode: r.mode }));
}

/** Announces a switch whose LSN is not known yet: the reader holds changes until it is. */
export async function openSwitch(db: Db, module: string, direction: SyncDirection, mode: SyncMode, cutoverId: number): Promise<number> {
  const { rows } = await db.query<{ seq: string }>(
    `INSERT INTO ficus_migration.sync_switch (module, direction, mode, cutover_id) VALUES ($1, $2, $3, $4) RETURNING seq`,
    [module, direction, mode, cutoverId],
  );
  return Number(rows[0]!.seq);
}

export async function fixSwitch(db: Db, module: string, direction: SyncDirection, seq: number, lsn: number): Promise<void> {
  await db.query('UPDATE ficus_migration.sync_switch SET at_lsn = $4 WHERE module = $1 AND direction = $2 AND seq = $3', [module, direction, seq, lsn]);
}

/** A switch of an aborted cutover never happened: readers go back to the mode before it. */
export async function dropOpenSwitches(db: Db, cutoverId: number): Promise<void> {
  await db.query('DELETE FROM ficus_migration.sync_switch WHERE cutover_id = $1', [cutoverId]);
}

/** The mode for a change at `lsn`: the last switch at or before it, else `initial`; undefined while one is still open. */
export function modeAt(switches: readonly SyncSwitch[], lsn: number, initial: SyncMode): SyncMode | undefined {
  let mode = initial;
  for (const s of switches) {
    if (s.atLsn === null) return undefined;
    if (s.atLsn <= lsn) mode = s.mode;
  }
  return mode;
}
