import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { runFeedCutoverDrill } from '../../../bench/drill/feed-drill.ts';
import { feedServiceMount, type FeedServiceMount } from '../../../bench/drill/feed-service-mount.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import { createLogger } from '../../../platform/logger.ts';
import { startPrivateCluster } from '../../migration/control/support/private-cluster.ts';

const MEMBERS = 12;
const ADMIN = 2;

// The M19 syncs run in a cluster of this file's own (slot names are fixed per module; the M19 goldens and
// test/migration/control/feed-cutover.db.test.ts run the same ones in the shared test cluster).
describe('M19 cutover drill with the dynamic service\'s REST API in the mix', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>> | undefined;
  let stack: DrillStack;
  let mount: FeedServiceMount | undefined;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    const serviceUrl = cluster.cluster.url('svc_dynamic');
    stack = await startDrillStack({
      legacyUrl: cluster.legacyUrl, controlUrl: cluster.cluster.url('control'), serviceUrl, logger, service: 'dynamic',
      mount: feedServiceMount(serviceUrl, cluster.cluster.url('postgres'), (m) => (mount = m)),
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  it('backfill, shadow, canary 10, cutover, rollback, cutover with RPC and REST traffic: nothing fails, leaks, is lost or doubled; reconcile clean', async () => {
    const logins = Array.from({ length: MEMBERS }, (_, i) => `member${String(i + 1).padStart(3, '0')}@hp.example`);
    const { rows } = await stack.legacyPool.query<{ id: number }>('SELECT id FROM res_users WHERE login = ANY($1)', [logins]);
    expect(rows.length).toBe(MEMBERS);
    const tokens = { ...mount!.tokensFor(rows.map((r) => r.id)), ...mount!.tokensFor([ADMIN], ['service']) };
    // 100 calls/s with 3 s dwells: CI runs other heavy suites beside this one. Timings are printed, not asserted.
    const result = await runFeedCutoverDrill(stack, { members: MEMBERS, ratePerSecond: 100, dwellMs: 3000, leaseMs: 30_000, rest: { baseUrl: stack.gatewayUrl, tokens, serviceUid: ADMIN } });
    const l = result.load;
    console.log(`M19 drill: ${l.calls} calls at ${result.achievedRate.toFixed(0)}/s (${l.late} late; REST ${l.rest.calls}: ${JSON.stringify(l.rest.byRoute)}), `
      + `${l.writes} writes, ${l.createdActivities.length} activities created; failed ${l.failures.length}, leaks ${l.rest.leaks.length}, lost ${result.lostActivities.length}, duplicated ${result.duplicatedActivities}; `
      + `freezes ${result.steps.map((s) => s.freezeMs).filter((f) => f !== undefined).join('/')} ms, held p99 ${result.freezeHoldP99Ms} ms; ${result.reconcileDetail}${l.failures.length ? `; failures ${JSON.stringify(l.failures.slice(0, 5))}` : ''}`);

    expect(l.failures).toEqual([]);
    expect(l.rest.leaks).toEqual([]);
    expect(result.steps.map((s) => s.step)).toEqual(['backfill M19', 'shadow M19', 'canary 10 M19', 'cutover M19', 'rollback M19', 'cutover again M19']);
    // Every REST call of the mix ran, through the phases.
    for (const route of ['GET /users/:id/feed', 'GET /users/:id/preferences', 'PUT /users/:id/preferences', 'POST /users/:id/feed/seen', 'POST /activities']) {
      expect(l.rest.byRoute[route] ?? 0, route).toBeGreaterThan(route === 'POST /activities' ? 3 : 20);
    }
    expect(l.writes).toBeGreaterThan(250);
    expect(result.lostActivities).toEqual([]);
    expect(result.duplicatedActivities).toBe(0);
    expect(result.reconcileClean).toBe(true);
    expect((await readPhase(stack.controller.control, 'M19')).phase).toBe('service');
  }, 600_000);
});
