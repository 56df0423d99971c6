import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { renderStatus } from '../../../migration/control/status-text.ts';
import { createLogger } from '../../../platform/logger.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';
import { holdModuleSyncs } from '../../support/module-sync-lock.ts';

const M01_SLOTS = ['ficus_fwd_m01', 'ficus_rev_m01', 'ficus_ref_auth'];
const GHOST_USER = 999999;

async function dropM01Slots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [M01_SLOTS]);
  } finally {
    await admin.end();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let stack: DrillStack;
let databases: TestDatabase[] = [];
let lock: { release(): Promise<void> };

beforeAll(async () => {
  lock = await holdModuleSyncs('M01');
  await dropM01Slots();
  databases = [await legacyDatabase(), await emptyDatabase('control'), await emptyDatabase('svc_auth')];
  const [legacy, control, service] = databases as [TestDatabase, TestDatabase, TestDatabase];
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'auth' });
  const force = { force: true, reason: 'test: auth takes over M01', actor: 'test' };
  const backfill = await stack.controller.backfill('M01', { waitMs: 120_000 });
  if (!backfill.ok) throw new Error(backfill.message);
  await stack.controller.shadow('M01', force);
  const cutover = await stack.controller.cutover('M01', force);
  if (!cutover.ok) throw new Error(cutover.message);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  for (const db of databases) await db.drop();
  await dropM01Slots().catch(() => undefined);
  await lock?.release();
});

describe('the reverse sync meets a row the monolith refuses', () => {
  it('parks it, keeps applying what comes after, and says so in migrate status', { timeout: 120_000 }, async () => {
    const legacy = databases[0]!.pool;
    // Planted behind the engine's back (the engine itself now refuses it): a token of a user
    // the monolith does not have. Legacy's auth_tokens_user_id_fkey refuses it.
    const ghost = await stack.servicePool.query<{ id: number }>(
      `INSERT INTO auth_tokens (user_id, token_hash, scope, revoked, create_date, write_date) VALUES ($1, 'planted-ghost', 'api', false, now(), now()) RETURNING id`,
      [GHOST_USER],
    );
    const after = await stack.servicePool.query<{ id: number }>(
      `INSERT INTO auth_tokens (user_id, token_hash, scope, revoked, create_date, write_date) VALUES (2, 'planted-after', 'api', false, now(), now()) RETURNING id`,
    );
    // The change after it reaches the monolith: nothing waits behind the refused one.
    await waitFor('the later token in legacy', async () => ((await legacy.query('SELECT 1 FROM auth_tokens WHERE id = $1', [after.rows[0]!.id])).rowCount ? true : undefined));
    expect((await legacy.query('SELECT 1 FROM auth_tokens WHERE id = $1', [ghost.rows[0]!.id])).rowCount).toBe(0);

    // Not dropped: parked in the monolith's database with its cause, the change itself kept.
    const parked = await legacy.query(`SELECT source, table_name, pk, error_code, constraint_name, event->'value'->'after'->>'token_hash' AS token FROM ficus_cdc.parked_change WHERE resolved_at IS NULL`);
    expect(parked.rows).toEqual([
      { source: 'service_m01', table_name: 'public.auth_tokens', pk: `[${ghost.rows[0]!.id}]`, error_code: '23503', constraint_name: 'auth_tokens_user_id_fkey', token: 'planted-ghost' },
    ]);

    // Visible: status marks the reverse sync as not keeping legacy true, the metric counts it.
    const status = await stack.controller.status('M01');
    expect(status.sync.reverseLag.ok).toBe(false);
    expect(status.sync.reverseLag.detail).toContain('1 change parked, refused by the target (public.auth_tokens: 23503 auth_tokens_user_id_fkey ×1)');
    expect(status.sync.parked.reverse).toMatchObject([{ table: 'public.auth_tokens', count: 1 }]);
    expect(renderStatus(status)).toContain('parked');
    const metric = (await stack.metrics.getMetricsAsJSON()).find((m) => m.name === 'ficus_cdc_parked_changes');
    expect(metric?.values.find((v) => v.labels.source === 'service_m01')?.value).toBe(1);

    // Rolling back now would leave the monolith without that write: the rollback gate says no, naming the table.
    await expect(stack.controller.rollback('M01', { reason: 'test: rollback with a parked change', actor: 'test' })).rejects.toThrow(
      'rollback of M01 refused: no reverse changes parked (1 change refused by the monolith and parked: public.auth_tokens (1, SQLSTATE 23503 auth_tokens_user_id_fkey)',
    );
    expect((await stack.controller.status('M01')).phase.phase).toBe('service');

    // The service fixes the row; its newer full change reaches legacy and settles the parked one.
    await stack.servicePool.query('UPDATE auth_tokens SET user_id = 2 WHERE id = $1', [ghost.rows[0]!.id]);
    await waitFor('the fixed token in legacy', async () => ((await legacy.query('SELECT 1 FROM auth_tokens WHERE id = $1 AND user_id = 2', [ghost.rows[0]!.id])).rowCount ? true : undefined));
    expect((await legacy.query(`SELECT resolution FROM ficus_cdc.parked_change`)).rows).toEqual([{ resolution: 'superseded' }]);
    expect((await stack.controller.status('M01')).sync.parked.reverse).toEqual([]);
  });
});
