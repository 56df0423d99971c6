import { describe, expect, it } from 'vitest';
import { bizLatencies, bizLostAndDuplicated, runBizCutoverDrill } from '../../../bench/drill/run-biz-drill.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import biz from '../../../services/biz/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

const MEMBERS = 12;
const COACHES = 6;
const OPERATORS = 2;

/** The biz service's routes as `METHOD /path`, the form the drill's REST client knows them by. */
const BIZ_ROUTES = biz.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);

// The M03/M07/M08 syncs run in a cluster of this file's own (as the user and finance drills do):
// slot names are fixed per module, and the biz goldens run the same ones in the shared test cluster.
describe('M03, M07, M08 (biz) cutover drill under load', () => {
  const drill = serviceDrillStack(biz);

  it('backfill, shadow, canary 10, cutover, rollback, cutover with live streams, groups and memberships on XML-RPC, JSON-RPC and REST: nothing fails, is lost, doubled or read stale, reconcile clean', async () => {
    // 100 calls/s, half the bench's rate (bench/cutover-biz.ts); dwells of 4 s and one freeze per module keep the load near
    // a minute on a quiet machine (the suite's wall time counts). The lease is longer than production's 5 s: CI runs other
    // heavy suites beside this one. Timings are printed, not asserted; failures, rows, read-backs
    // and reconcile are.
    const stack = drill.stack();
    const result = await runBizCutoverDrill(stack, {
      members: MEMBERS, coaches: COACHES, operators: OPERATORS, ratePerSecond: 100, dwellMs: 4000, runTag: 'test', leaseMs: 30_000,
      restUrl: stack.gatewayUrl, restRoutes: BIZ_ROUTES, tokensFor: (uids) => drill.mount().tokensFor(uids),
      ...drillLog,
    });
    const l = result.load;
    const { lost, duplicated, wrong } = bizLostAndDuplicated(result);
    const latency = bizLatencies(l);
    console.log(`biz drill: ${l.calls} calls at ${result.achievedRate.toFixed(0)}/s in ${(result.elapsedMs / 1000).toFixed(0)} s (${l.late} late; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, REST ${l.byChannel.rest}: ${l.restRoutesUsed.join(', ') || 'none'}); p50 ${latency.p50} ms, p99 ${latency.p99} ms; ${l.streams.length} streams, ${l.groups.length} groups, ${l.memberships.length} memberships, ${l.refusals.length} refusals; ${l.readBacks} read-backs, ${l.staleReads.length} stale ${JSON.stringify(result.staleByPhase)}; failed ${l.failures.length}, lost ${lost}, duplicated ${duplicated}, wrong ${wrong}; freezes ${result.steps.map((s) => s.freezeMs).filter((f) => f !== undefined).join('/')} ms, held p99 ${result.freezeHoldP99Ms} ms; ${result.reconcileDetail}${l.failures.length ? `; failures ${JSON.stringify(l.failures.slice(0, 5))}` : ''}`);
    if (process.env.DRILL_LOG) for (const line of [...result.timelines, ...latency.byMethod]) console.log(line);
    for (const s of l.staleReads.slice(0, 10)) console.log(`stale read (${result.staleInCanary.includes(s) ? 'canary' : 'NOT canary'}): ${s.method}: ${s.detail}`);
    for (const r of result.shadow) if (r.unexplained) console.log(`shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained (${r.fields.join(', ')}); last ${r.lastDiff}`);
    for (const side of result.sides) for (const x of [...side.missing, ...side.extra, ...side.wrong].slice(0, 5)) console.log(`${side.side}: ${x}`);
    for (const b of result.rules.breaches) console.log(`breach: ${b}`);

    expect(l.failures).toEqual([]);
    expect(result.steps.map((s) => s.step)).toEqual([
      'backfill M03', 'backfill M07', 'backfill M08', 'shadow M03', 'shadow M07', 'shadow M08', 'canary 10 M03', 'canary 10 M07', 'canary 10 M08',
      'cutover M03', 'cutover M07', 'cutover M08', 'rollback M08', 'rollback M07', 'rollback M03', 'cutover again M03', 'cutover again M07', 'cutover again M08',
    ]);

    // Every kind of call really ran, on both RPC channels.
    for (const method of [
      'hp.live.stream.search_read', 'hp.live.stream.search_read (host)', 'hp.community.group.search_read', 'hp.community.group.name_search', 'hp.community.member.search_read',
      'hp.community.member.search_count', 'hp.biz.dashboard.search_read (coach)', 'hp.biz.dashboard.read_group (operator)', 'hp.live.stream.read_group (operator)',
      'hp.live.stream.create', 'hp.live.stream.write viewer_peak', 'hp.live.stream.action_go_live', 'hp.live.stream.action_end', 'hp.live.stream.action_go_live (refused)', 'hp.live.stream.action_end (refused)',
      'hp.community.group.create', 'hp.community.member.create', 'hp.community.member.action_leave', 'hp.community.member.action_ban (operator)', 'hp.community.member.action_ban (group owner)',
      'hp.community.member.write state active (rejoin)', 'hp.community.member.create (again)',
    ]) expect(l.byMethod[method] ?? 0, method).toBeGreaterThan(0);
    // REST: every route of the service the drill knows was called (REST writes where each module's rows live, in every phase).
    expect(l.restRoutesUsed).toEqual([
      'GET /communities/groups', 'GET /communities/groups/:id', 'GET /communities/groups/:id/members', 'GET /communities/groups/:id/members/:userId', 'GET /live-streams', 'GET /live-streams/:id',
      'POST /communities/groups', 'POST /communities/groups/:id/members', 'POST /communities/groups/:id/members/:userId/ban', 'POST /communities/groups/:id/members/:userId/leave',
      'POST /live-streams', 'POST /live-streams/:id/end', 'POST /live-streams/:id/go-live', 'GET /biz/dashboard', 'POST /biz/performance', 'GET /biz/performance/:id',
    ].filter((route) => BIZ_ROUTES.includes(route)).sort());
    expect(l.byChannel.rest).toBeGreaterThan(100);
    expect(l.streams.filter((s) => s.via === 'rest').length).toBeGreaterThan(5);
    expect(l.memberships.filter((m) => m.via === 'rest').length).toBeGreaterThan(5);
    for (const channel of ['xmlrpc', 'jsonrpc'] as const) expect(l.byChannel[channel], channel).toBeGreaterThan(300);
    // Streams went through their lifecycle; groups counted members who joined, left and were banned; the addon refused what it refuses.
    expect(l.streams.filter((s) => s.state === 'ended').length).toBeGreaterThan(5);
    expect(l.streams.filter((s) => s.state === 'live').length).toBeGreaterThan(0);
    for (const state of ['active', 'left', 'banned'] as const) expect(l.memberships.filter((m) => m.state === state).length, state).toBeGreaterThan(5);
    expect(l.refusals.length).toBeGreaterThan(10);

    // Nothing lost, doubled or left with other values on either side; every write read back as written.
    for (const side of result.sides) expect(side).toEqual({ side: side.side, missing: [], extra: [], wrong: [] });
    expect(l.readBacks).toBeGreaterThan(500);
    // Reads see their writes in every phase but canary, where a canary user's read goes to svc_biz
    // while its write went to the monolith (MIGRATION.md): those are printed above, not asserted.
    expect(result.staleOutsideCanary).toEqual([]);
    expect(result.rules.breaches).toEqual([]);
    expect(result.rules.checked).toBeGreaterThanOrEqual(8);
    expect(result.reconcileClean).toBe(true);
    for (const module of ['M03', 'M07', 'M08']) expect((await readPhase(stack.controller.control, module)).phase, module).toBe('service');
  }, 600_000);
});
