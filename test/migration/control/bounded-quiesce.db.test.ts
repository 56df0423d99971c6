import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { journalTimelines } from '../../../bench/drill/drill-figures.ts';
import { xmlRpcMember } from '../../../bench/drill/xmlrpc-member.ts';
import { serveForTest, type ServiceUnderTest } from '../../../bench/support/service-app.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import { createLogger } from '../../../platform/logger.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import trade from '../../../services/trade/index.ts';
import { startPrivateCluster } from './support/private-cluster.ts';

const MODULES = ['M04', 'M20'];
/** Gates are not what is tested here; a loaded machine gets time to acknowledge (the freeze must not need it). */
const FORCED = { force: true, reason: 'bounded quiesce test', thresholds: { minShadowSamples: 0, minMatchRate: 0 }, ackTimeoutMs: 30_000, leaseMs: 60_000 };

/**
 * A planted transaction holds a row lock that a client's write in flight waits for, across a
 * cutover (RPC, M04 + M20 → trade) and a rollback (trade's REST). Neither step may wait for that
 * write: each completes while the planted lock is still held — the write cannot have finished by
 * then, so the freeze did not wait for it — and the write is cancelled, held, and answered once
 * by the owner after the flip. No timing is asserted (freezes are printed): the lock makes the
 * order of events certain.
 */
describe('bounded quiesce: a freeze cancels the slow writes in flight and runs them once after the flip', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
  let stack: DrillStack;
  let rest: ServiceUnderTest;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    stack = await startDrillStack({ legacyUrl: cluster.legacyUrl, controlUrl: cluster.cluster.url('control'), serviceUrl: cluster.cluster.url('svc_trade'), logger, service: 'trade' });
    for (const module of MODULES) expect((await stack.controller.backfill(module, { waitMs: 120_000 })).ok).toBe(true);
    rest = await serveForTest(trade, cluster.cluster.url('svc_trade'));
    for (const module of MODULES) expect((await stack.controller.shadow(module)).ok).toBe(true);
  }, 300_000);

  afterAll(async () => {
    await rest?.stop();
    await stack?.stop();
    await cluster?.stop();
  });

  /** A transaction of the test's own holding `sql`'s row lock until `release`. */
  const plantLock = async (pool: pg.Pool, sql: string, params: unknown[]) => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(sql, params);
    const pid = (client as unknown as { processID: number }).processID;
    return {
      /** Resolves once some other backend waits for this lock. */
      async waitedFor(): Promise<void> {
        const since = Date.now();
        for (;;) {
          const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
          if (rows[0]!.n > 0) return;
          if (Date.now() - since > 60_000) throw new Error('the write never reached the planted lock');
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      async release(): Promise<void> {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  };

  const cancelledWrites = async () => {
    const metric = await stack.metrics.getSingleMetric('ficus_migration_writes_cancelled_total')?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };

  it('an RPC create waiting on a row lock when the cutover freezes: the cutover completes with the lock still held, the create answers once, from trade, and reaches the monolith once', async () => {
    const member = xmlRpcMember(stack.gatewayUrl, 'hp_legacy', 'member001@hp.example');
    await member.login();
    const { rows: [service] } = await stack.legacyPool.query<{ id: number }>('SELECT id FROM health_services WHERE active AND price > 0 ORDER BY id LIMIT 1');
    const note = `bounded quiesce RPC ${Date.now()}`;
    // The create's foreign-key check needs the service row FOR KEY SHARE: the planted FOR UPDATE keeps it waiting in the monolith.
    const planted = await plantLock(stack.legacyPool, 'SELECT 1 FROM health_services WHERE id = $1 FOR UPDATE', [service!.id]);
    const cancelledBefore = await cancelledWrites();
    let answered = false;
    const create = member.exec('hp.service.order', 'create', [{ customer_id: member.uid(), service_id: service!.id, note }]).finally(() => (answered = true));
    try {
      await planted.waitedFor();
      const results = await stack.controller.together('cutover', MODULES, FORCED);
      // The cutover is over and the planted lock was never released: it did not wait for the write.
      expect(results.map((r) => r.to)).toEqual(['service', 'service']);
      console.log(`cutover with a write stuck on a row lock: freeze ${results[0]!.cutover!.freezeMs} ms; ${(await journalTimelines(stack.controller.control)).slice(-2).join(' | ')}`);
      const id = Number(await create);
      expect(id).toBeGreaterThan(0);
      expect(await cancelledWrites()).toBeGreaterThan(cancelledBefore);
      // Applied once, in trade, which owns M04 now; nothing of the cancelled try in the monolith (it was rolled back).
      const inTrade = await stack.servicePool.query<{ id: number }>('SELECT id FROM service_orders WHERE note = $1', [note]);
      expect(inTrade.rows.map((r) => r.id)).toEqual([id]);
      expect((await stack.legacyPool.query('SELECT 1 FROM service_orders WHERE note = $1', [note])).rowCount).toBe(0);
    } finally {
      await planted.release();
      if (!answered) await create.catch(() => undefined);
    }
    // Reverse sync brings it to the monolith once, under the same id.
    const since = Date.now();
    while (!(await stack.legacyPool.query('SELECT 1 FROM service_orders WHERE note = $1', [note])).rowCount) {
      if (Date.now() - since > 60_000) throw new Error('the create never reached the monolith');
      await new Promise((r) => setTimeout(r, 20));
    }
    const inLegacy = await stack.legacyPool.query<{ id: number }>('SELECT id FROM service_orders WHERE note = $1', [note]);
    const inTrade = await stack.servicePool.query<{ id: number }>('SELECT id FROM service_orders WHERE note = $1', [note]);
    expect(inLegacy.rows).toEqual(inTrade.rows);
    expect(inTrade.rows).toHaveLength(1);
    for (const module of MODULES) expect((await readPhase(stack.controller.control, module)).phase).toBe('service');
  }, 240_000);

  it('a trade REST write waiting on a row lock when the rollback freezes: the rollback completes with the lock still held, and the write is answered as one arriving during the freeze (refused: Odoo owns M04 again), applied nowhere', async () => {
    const token = issueToken(rest.keys.current, { userId: 6 }, 600);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${rest.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { rows: [service] } = await stack.servicePool.query<{ id: number }>('SELECT id FROM health_services WHERE active AND price > 0 ORDER BY id LIMIT 1');
    const created = await call('POST', '/trade/service-orders', { serviceId: service!.id, note: `bounded quiesce REST ${Date.now()}` });
    expect(created.status).toBe(201);
    const orderId = ((await created.json()) as { id: number }).id;
    const state = async (pool: pg.Pool) => (await pool.query<{ state: string }>('SELECT state FROM service_orders WHERE id = $1', [orderId])).rows[0]?.state;
    expect(await state(stack.servicePool)).toBe('draft');

    const planted = await plantLock(stack.servicePool, 'SELECT 1 FROM service_orders WHERE id = $1 FOR UPDATE', [orderId]);
    let answered = false;
    const submit = call('PUT', `/trade/orders/${orderId}/status`, { action: 'submit' }).finally(() => (answered = true));
    try {
      await planted.waitedFor();
      const results = await stack.controller.together('rollback', [...MODULES].reverse(), FORCED);
      expect(results.map((r) => r.from)).toEqual(['service', 'service']);
      console.log(`rollback with a REST write stuck on a row lock: freeze ${results[0]!.cutover!.freezeMs} ms; ${(await journalTimelines(stack.controller.control)).slice(-2).join(' | ')}`);
      const answer = await submit;
      const body = (await answer.json()) as { type?: string };
      expect(answer.status).toBe(503);
      expect(body.type).toBe('https://ficus.dev/problems/module-not-owned');
    } finally {
      await planted.release();
      if (!answered) await submit.catch(() => undefined);
    }
    // The cancelled try was rolled back, and the run after the flip wrote nothing: still a draft on
    // both sides (the rollback drained the reverse sync, which had brought the draft to the monolith).
    expect(await state(stack.servicePool)).toBe('draft');
    expect(await state(stack.legacyPool)).toBe('draft');
  }, 240_000);
});
