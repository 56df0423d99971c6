import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import { emitDrainMarker, waitApplied } from '../../../migration/control/sync/drain.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { logger, openApplier } from '../support/cdc-fixtures.ts';

const TABLES = ['public.notifications'];
const SLOW_APPLY_MS = 400;
/** Far longer than the wait allowed below: a marker left for the keepalive would time out. */
const HEARTBEAT_MS = 20_000;
/**
 * What "right after the batch" may take on a loaded machine: a few slowed batches plus slack,
 * still well under the keepalive, which is what a marker left behind would wait for.
 */
const MARKER_WAIT_MS = Math.min(3 * SLOW_APPLY_MS + 10_000, HEARTBEAT_MS - 5_000);

/**
 * A cutover freezes writes, emits a drain marker (a transaction with no changes) and waits for
 * each sync's checkpoint to pass it. When the marker's commit arrives while a batch is being
 * applied, it must be acknowledged right after that batch, not at the next change or keepalive
 * (measured: about the in-flight batch's remaining time, 550 ms here). The same holds for a marker
 * arriving while another marker is applied (two modules cut over together): before this was
 * handled it waited for the next change or heartbeat, 520–670 ms of every paired freeze.
 */
describe('embedded CDC: a drain marker that arrives during a batch', () => {
  let legacy: TestDatabase;
  let target: TestDatabase;
  let applier: ChangeApplier;
  let source: EmbeddedSource;
  let slowApply = false;

  beforeAll(async () => {
    [legacy, target] = await Promise.all([legacyDatabase(), emptyDatabase('cdc_drain')]);
    const [s, t] = await Promise.all([legacy.pool.connect(), target.pool.connect()]);
    await copyTableDefinitions(s, t, TABLES);
    s.release();
    t.release();
    applier = await openApplier(target.url);
    // Every batch takes SLOW_APPLY_MS once slowed, so a marker sent just after a change meets a batch in flight.
    const slowed = new Proxy(applier, {
      get(real, property) {
        if (property === 'apply') {
          return async (...args: Parameters<ChangeApplier['apply']>) => {
            if (slowApply) await new Promise((r) => setTimeout(r, SLOW_APPLY_MS));
            return real.apply(...args);
          };
        }
        const value = Reflect.get(real, property, real) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
      },
    });
    source = new EmbeddedSource({ sourceUrl: legacy.url, purpose: `drain_${randomBytes(3).toString('hex')}`, tables: TABLES, applier: slowed, logger, heartbeatIntervalMs: HEARTBEAT_MS });
    source.start();
    await source.ready;
  }, 120_000);

  afterAll(async () => {
    await source?.stop();
    await source?.remove();
    await applier?.close();
    await Promise.all([legacy?.drop(), target?.drop()]);
  });

  it('acknowledges the marker as soon as the batch before it is applied', async () => {
    // Let the snapshot's own batches finish first.
    const warm = await emitDrainMarker(legacy.pool as unknown as pg.Pool, 'warm-up');
    await waitApplied(target.pool as unknown as pg.Pool, source.slotName, warm, 30_000);

    slowApply = true;
    const { rows } = await legacy.pool.query<{ id: number }>('SELECT id FROM notifications ORDER BY id LIMIT 1');
    await legacy.pool.query(`UPDATE notifications SET title = title || '!' WHERE id = $1`, [rows[0]!.id]);
    await new Promise((r) => setTimeout(r, 50)); // the change's batch is being applied now
    const marker = await emitDrainMarker(legacy.pool as unknown as pg.Pool, 'cutover');
    const waitedMs = await waitApplied(target.pool as unknown as pg.Pool, source.slotName, marker, MARKER_WAIT_MS);
    console.log(`drain marker applied after ${waitedMs} ms`);
    // The batch in flight, then one empty batch of its own (also slowed): well under the keepalive.
    expect(waitedMs).toBeLessThan(MARKER_WAIT_MS);
    const applied = await target.pool.query<{ title: string }>('SELECT title FROM notifications WHERE id = $1', [rows[0]!.id]);
    expect(applied.rows[0]!.title.endsWith('!')).toBe(true);
  }, 120_000);

  it('acknowledges a marker that arrives while an empty batch (another marker) is applied', async () => {
    // Two modules cut over together emit their markers back to back: the second arrives while the
    // first one's checkpoint is being written, and no change follows it in the frozen source.
    slowApply = true;
    const first = await emitDrainMarker(legacy.pool as unknown as pg.Pool, 'cutover M04');
    const second = await emitDrainMarker(legacy.pool as unknown as pg.Pool, 'cutover M20');
    const waitedMs = await waitApplied(target.pool as unknown as pg.Pool, source.slotName, second, MARKER_WAIT_MS);
    console.log(`second of two back-to-back markers applied after ${waitedMs} ms (first at ${first})`);
    expect(waitedMs).toBeLessThan(MARKER_WAIT_MS);
  }, 120_000);
});
