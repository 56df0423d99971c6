import { describe, expect, it } from 'vitest';
import { ecLatencies, ecLostAndDuplicated, runEcCutoverDrill } from '../../../bench/drill/run-ec-drill.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import ec from '../../../services/ec/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

const MEMBERS = 10;
const MERCHANTS = 3;

/** The ec service's routes as `METHOD /path`, the form the drill's REST client knows them by. */
const EC_ROUTES = ec.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);

// The M09/M10 syncs run in a cluster of this file's own (as the other services' drills do): slot
// names are fixed per module, and the ec goldens run the same ones in the shared cluster.
describe('M09, M10 (ec) cutover drill under load', () => {
  const drill = serviceDrillStack(ec);

  it('backfill, shadow, canary 10, cutover, rollback, cutover with mall orders, inventories, campaigns and impressions on XML-RPC, JSON-RPC and REST: nothing fails, is lost, doubled or read stale, spends and reservations exact, reconcile clean', async () => {
    // 100 calls/s, half the bench's rate (bench/cutover-ec.ts); dwells of 3 s and one freeze per
    // module keep the load under a minute on a quiet machine (the suite's wall time counts). The lease
    // is longer than production's 5 s: CI runs other heavy suites beside this one. Timings are
    // printed, not asserted; failures, rows, read-backs, spends, reservations and reconcile are.
    const stack = drill.stack();
    const result = await runEcCutoverDrill(stack, {
      members: MEMBERS, coaches: 0, merchants: MERCHANTS, ratePerSecond: 100, dwellMs: 3000, runTag: 'test', leaseMs: 30_000,
      restUrl: stack.gatewayUrl, restRoutes: EC_ROUTES, tokensFor: (uids) => drill.mount().tokensFor(uids),
      ...drillLog,
    });
    const l = result.load;
    const { lost, duplicated, wrong } = ecLostAndDuplicated(result);
    const latency = ecLatencies(l);
    const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length;
    console.log(`ec drill: ${l.calls} calls at ${result.achievedRate.toFixed(0)}/s in ${(result.elapsedMs / 1000).toFixed(0)} s (${l.late} late; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, REST ${l.byChannel.rest}: ${l.restRoutesUsed.join(', ') || 'none'}); p50 ${latency.p50} ms, p99 ${latency.p99} ms; ${l.orders.length} orders (${['draft', 'paid', 'shipped', 'delivered', 'cancelled'].map((s) => `${count(l.orders, (o) => o.state === s)} ${s}`).join(', ')}), ${l.inventories.length} inventories, ${l.campaigns.length} campaigns, ${l.impressions.length} RPC impressions + ${l.campaigns.reduce((n, c) => n + c.restImpressions, 0)} over REST (${l.replayedBatches} batches replayed), ${l.spentReads} spends read back, ${l.refusals.length} refusals; ${l.readBacks} read-backs, ${l.staleReads.length} stale ${JSON.stringify(result.staleByPhase)}; failed ${l.failures.length}, lost ${lost}, duplicated ${duplicated}, wrong ${wrong}; freezes ${result.steps.map((s) => s.freezeMs).filter((f) => f !== undefined).join('/')} ms, held p99 ${result.freezeHoldP99Ms} ms; ${result.reconcileDetail}${l.failures.length ? `; failures ${JSON.stringify(l.failures.slice(0, 5))}` : ''}`);
    if (process.env.DRILL_LOG) for (const line of [...result.timelines, ...latency.byMethod]) console.log(line);
    for (const s of l.staleReads.slice(0, 10)) console.log(`stale read (${result.staleInCanary.includes(s) ? 'canary' : 'NOT canary'}): ${s.method}: ${s.detail}`);
    for (const r of result.shadow) if (r.unexplained) console.log(`shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained (${r.fields.join(', ')}); last ${r.lastDiff}`);
    for (const side of result.sides) for (const x of [...side.missing, ...side.extra, ...side.wrong].slice(0, 5)) console.log(`${side.side}: ${x}`);
    for (const b of result.rules.breaches) console.log(`breach: ${b}`);

    expect(l.failures).toEqual([]);
    expect(result.steps.map((s) => s.step)).toEqual([
      'backfill M09', 'backfill M10', 'shadow M09', 'shadow M10', 'canary 10 M09', 'canary 10 M10',
      'cutover M09', 'cutover M10', 'rollback M10', 'rollback M09', 'cutover again M09', 'cutover again M10',
    ]);

    // Every kind of call really ran: writes and actions of both modules, reads of all five models and the products.
    for (const method of [
      'hp.mall.order.create', 'hp.mall.order.action_pay', 'hp.mall.order.action_ship', 'hp.mall.order.action_deliver', 'hp.mall.order.action_cancel',
      'hp.mall.order.action_ship (refused)', 'hp.inventory.create', 'hp.inventory.write reserved', 'hp.inventory.write reserved (refused)', 'hp.ad.campaign.create',
      'hp.ad.campaign.action_start', 'hp.ad.impression.create', 'hp.mall.order.search_read', 'hp.mall.order.line.search_read', 'hp.inventory.search_read',
      'hp.ad.campaign.search_read', 'hp.ad.impression.search_read', 'product.product.search_read', 'hp.mall.order.read_group', 'hp.ad.campaign.read spent (read-back)',
    ]) expect(l.byMethod[method] ?? 0, method).toBeGreaterThan(0);
    for (const channel of ['xmlrpc', 'jsonrpc'] as const) expect(l.byChannel[channel], channel).toBeGreaterThan(200);
    // REST: every route of the service the drill knows was called (REST writes where M09's and M10's rows live, in every phase).
    expect(l.restRoutesUsed).toEqual([
      'POST /orders', 'GET /orders/:id', 'GET /orders', 'POST /orders/:id/cancel', 'POST /orders/:id/ship', 'POST /orders/:id/deliver', 'GET /products', 'GET /products/:id',
      'POST /ads/impressions', 'GET /ad-campaigns', 'GET /ad-campaigns/:id', 'POST /ad-campaigns/:id/pause', 'POST /ad-campaigns/:id/start',
    ].filter((route) => EC_ROUTES.includes(route)).sort());
    if (EC_ROUTES.includes('POST /ads/impressions')) expect(l.replayedBatches).toBeGreaterThan(0);
    expect(l.spentReads).toBeGreaterThan(20);
    expect(l.refusals.length).toBeGreaterThan(3);

    // Nothing lost, doubled or left with other values on either side (spends exact, reservations as the ledger holds them); every write read back as written.
    for (const side of result.sides) expect(side).toEqual({ side: side.side, missing: [], extra: [], wrong: [] });
    expect(l.readBacks).toBeGreaterThan(300);
    // Reads see their writes in every phase but canary (MIGRATION.md): those are printed above, not asserted.
    expect(result.staleOutsideCanary).toEqual([]);
    expect(result.rules.breaches).toEqual([]);
    expect(result.rules.checked).toBeGreaterThanOrEqual(6);
    expect(result.reconcileClean).toBe(true);
    for (const module of ['M09', 'M10']) expect((await readPhase(stack.controller.control, module)).phase, module).toBe('service');
  }, 600_000);
});
