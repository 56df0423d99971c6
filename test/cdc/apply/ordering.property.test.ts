import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeApplier } from '../../../cdc/apply/applier.ts';
import type { ChangeEvent, ChangeOp } from '../../../cdc/events/change-event.ts';
import { UNAVAILABLE_VALUE } from '../../../cdc/events/unavailable.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { openApplier } from '../support/cdc-fixtures.ts';

interface Step {
  key: number;
  op: ChangeOp;
  v: number;
}

/** Streamed changes with growing LSNs, after a snapshot read of some keys at LSN 1000. */
function eventsOf(snapshotKeys: number[], steps: Step[]): ChangeEvent[] {
  const event = (key: number, op: ChangeOp, lsn: number, v: number, snapshot: boolean, toast = false): ChangeEvent => ({
    key: { id: key },
    value: {
      before: op === 'd' ? { id: key, v: null, note: null } : null,
      after: op === 'd' ? null : { id: key, v, note: toast ? UNAVAILABLE_VALUE : `note ${key}` },
      source: { version: 't', connector: 'postgresql', name: 'test', ts_ms: Date.now(), snapshot: snapshot ? 'true' : 'false', db: 'x', schema: 'public', table: 'items', txId: null, lsn },
      op,
      ts_ms: Date.now(),
    },
  });
  // Snapshot LSN 5000 is above some streamed change LSNs on purpose: a transaction that started
  // before the slot's consistent point has change LSNs below it and must still win.
  const snapshot = snapshotKeys.map((k) => event(k, 'r', 5000, -k, true));
  const streamed = steps.map((s, i) => event(s.key, s.op, 1000 + i * 10, s.v, false, s.op === 'u' && s.v % 5 === 0));
  return [...snapshot, ...streamed];
}

/** The target state a correct applier reaches: the newest change of each key. */
function expectedRows(snapshotKeys: number[], steps: Step[]): Map<number, { v: number; note: string }> {
  const rows = new Map<number, { v: number; note: string }>();
  for (const k of snapshotKeys) rows.set(k, { v: -k, note: `note ${k}` });
  for (const s of steps) {
    if (s.op === 'd') rows.delete(s.key);
    else rows.set(s.key, { v: s.v, note: `note ${s.key}` }); // a TOAST-less update keeps the note, which is always `note <key>`
  }
  return rows;
}

/** Each key's history is valid: c after absence, u/d only while present. */
const stepsArbitrary = fc
  .array(fc.record({ key: fc.integer({ min: 1, max: 8 }), v: fc.integer({ min: 1, max: 1000 }), kind: fc.integer({ min: 0, max: 9 }) }), { maxLength: 60 })
  .chain((raw) =>
    fc.subarray([1, 2, 3, 4, 5, 6, 7, 8]).map((snapshotKeys) => {
      const present = new Set(snapshotKeys);
      const steps: Step[] = raw.map(({ key, v, kind }) => {
        let op: ChangeOp;
        if (!present.has(key)) op = 'c';
        else op = kind < 2 ? 'd' : 'u';
        if (op === 'd') present.delete(key);
        else present.add(key);
        return { key, op, v };
      });
      return { snapshotKeys, steps };
    }),
  );

describe('applier ordering and idempotency (property)', () => {
  let db: TestDatabase;
  let applier: ChangeApplier;

  beforeAll(async () => {
    db = await emptyDatabase('cdc_order');
    await db.pool.query('CREATE TABLE public.items (id int PRIMARY KEY, v int, note text)');
    applier = await openApplier(db.url);
  });
  afterAll(async () => {
    await applier?.close();
    await db?.drop();
  });

  it('replays, duplicates and any order of batches never leave a row older than its newest change', async () => {
    await fc.assert(
      fc.asyncProperty(stepsArbitrary, fc.integer({ min: 1, max: 20 }), fc.integer(), async ({ snapshotKeys, steps }, batchSize, seed) => {
        await applier.resetTables(['public.items']);
        const events = eventsOf(snapshotKeys, steps);
        // Delivered twice (a replay after a crash), shuffled across and within batches.
        const delivered = fc.sample(fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }), { numRuns: 1, seed })[0]!;
        // The in-order first delivery guarantees every event is seen once in order; the shuffled
        // replay then must not regress anything.
        for (let i = 0; i < events.length; i += batchSize) await applier.apply(events.slice(i, i + batchSize));
        for (let i = 0; i < delivered.length; i += batchSize) await applier.apply(delivered.slice(i, i + batchSize));
        const { rows } = await db.pool.query<{ id: number; v: number; note: string }>('SELECT id, v, note FROM public.items ORDER BY id');
        const expected = expectedRows(snapshotKeys, steps);
        expect(new Map(rows.map((r) => [r.id, { v: r.v, note: r.note }]))).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('any order of a single delivery converges on the newest change of every key', async () => {
    await fc.assert(
      fc.asyncProperty(stepsArbitrary, fc.integer({ min: 1, max: 20 }), fc.integer(), async ({ snapshotKeys, steps }, batchSize, seed) => {
        await applier.resetTables(['public.items']);
        const events = eventsOf(snapshotKeys, steps).filter((e) => !JSON.stringify(e.value.after ?? {}).includes(UNAVAILABLE_VALUE));
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), { numRuns: 1, seed })[0]!;
        for (let i = 0; i < shuffled.length; i += batchSize) await applier.apply(shuffled.slice(i, i + batchSize));
        const { rows } = await db.pool.query<{ id: number; v: number }>('SELECT id, v FROM public.items ORDER BY id');
        const newest = new Map<number, ChangeEvent>();
        for (const e of events) newest.set(e.key.id as number, e); // events are in position order
        const expected = [...newest.entries()].filter(([, e]) => e.value.op !== 'd').map(([id, e]) => ({ id, v: e.value.after!.v })).sort((a, b) => a.id - b.id);
        expect(rows).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
