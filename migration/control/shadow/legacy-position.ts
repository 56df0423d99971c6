import type pg from 'pg';

interface Marker {
  /** When its transaction was started (performance.now()); null while it waits for the one in flight. */
  startedAt: number | null;
  lsn: Promise<number>;
}

/**
 * Legacy WAL positions for shadow comparison: `after(t)` resolves to the position of a marker
 * written after moment `t`, so at or past the commit of everything a legacy answer read before
 * `t` could see. Comparisons share markers: one is in flight at a time, and every comparison
 * arriving meanwhile joins the next one, which starts when it lands (at most one tiny legacy
 * transaction per marker round trip, however many reads are compared).
 */
export class LegacyPositions {
  #inFlight: Marker | null = null;
  #next: Marker | null = null;

  constructor(private readonly legacy: pg.Pool) {}

  after(moment: number): Promise<number> {
    const current = this.#inFlight;
    if (current && current.startedAt !== null && current.startedAt >= moment) return current.lsn;
    if (!current) return this.#start().lsn;
    if (!this.#next) {
      let release!: () => void;
      const turn = new Promise<void>((r) => (release = r));
      const next: Marker = { startedAt: null, lsn: turn.then(() => this.#begin(next)) };
      this.#next = next;
      void current.lsn.catch(() => undefined).finally(release);
    }
    return this.#next.lsn;
  }

  #start(): Marker {
    const marker: Marker = { startedAt: null, lsn: Promise.resolve(0) };
    marker.lsn = this.#begin(marker);
    return marker;
  }

  #begin(marker: Marker): Promise<number> {
    if (this.#next === marker) this.#next = null;
    marker.startedAt = performance.now();
    this.#inFlight = marker;
    const lsn = emitPositionMarker(this.legacy);
    void lsn.catch(() => undefined).finally(() => {
      if (this.#inFlight === marker) this.#inFlight = null;
    });
    return lsn;
  }
}

/**
 * A transactional logical-decoding message (as the cutover's drain marker) whose commit is
 * synchronous even where the server's default is not: WAL is flushed in order, so the flush
 * carries every earlier commit with it, and the forward reader (which only ever sees flushed
 * WAL) gets them now instead of at the WAL writer's next round (`wal_writer_delay`, 200 ms).
 */
async function emitPositionMarker(legacy: pg.Pool): Promise<number> {
  const client = await legacy.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = on');
    const { rows } = await client.query<{ lsn: string }>(`SELECT (pg_logical_emit_message(true, 'ficus_shadow', '') - '0/0'::pg_lsn)::text AS lsn`);
    await client.query('COMMIT');
    return Number(rows[0]!.lsn);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
