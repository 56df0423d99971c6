import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LegacyPositions } from '../../../migration/control/shadow/legacy-position.ts';

/**
 * A legacy pool whose marker transactions take `ms` and return an ever larger LSN, recording
 * when each marker's statement ran: what LegacyPositions promises is about those moments.
 */
function fakeLegacy(ms: number) {
  const markers: { at: number; lsn: number }[] = [];
  const client = {
    async query(sql: string) {
      if (!sql.includes('pg_logical_emit_message')) return { rows: [] };
      const at = performance.now();
      await new Promise((r) => setTimeout(r, ms));
      const lsn = 1000 + markers.length;
      markers.push({ at, lsn });
      return { rows: [{ lsn: String(lsn) }] };
    },
    release() {},
  };
  return { pool: { connect: async () => client } as unknown as pg.Pool, markers };
}

describe('legacy WAL positions for shadow comparison', () => {
  it('every comparison gets a marker written after its answer, and comparisons arriving together share one', async () => {
    const { pool, markers } = fakeLegacy(20);
    const positions = new LegacyPositions(pool);
    const asked: { moment: number; lsn: Promise<number> }[] = [];
    for (let i = 0; i < 40; i++) {
      const moment = performance.now();
      asked.push({ moment, lsn: positions.after(moment) });
      await new Promise((r) => setTimeout(r, i % 7 === 0 ? 25 : 2));
    }
    const lsns = await Promise.all(asked.map((a) => a.lsn));
    asked.forEach((a, i) => {
      const marker = markers.find((m) => m.lsn === lsns[i])!;
      expect(marker.at).toBeGreaterThanOrEqual(a.moment);
    });
    // One in flight and one gathering: far fewer markers than comparisons.
    expect(markers.length).toBeLessThan(asked.length / 2);
  });

  it('a failed marker is not handed to later comparisons', async () => {
    let fail = true;
    const client = {
      async query(sql: string) {
        if (!sql.includes('pg_logical_emit_message')) return { rows: [] };
        if (fail) throw new Error('legacy unreachable');
        return { rows: [{ lsn: '77' }] };
      },
      release() {},
    };
    const positions = new LegacyPositions({ connect: async () => client } as unknown as pg.Pool);
    await expect(positions.after(performance.now())).rejects.toThrow('legacy unreachable');
    fail = false;
    await expect(positions.after(performance.now())).resolves.toBe(77);
  });
});
