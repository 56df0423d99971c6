import { describe, expect, it } from 'vitest';
import { opsLatencies, opsLostAndDuplicated, runOpsCutoverDrill } from '../../../bench/drill/run-ops-drill.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import ops from '../../../services/ops/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

const MEMBERS = 12;
const COACHES = 6;
const OPERATORS = 2;

/** The ops service's routes as `METHOD /path`, the form the drill's REST client knows them by. */
const OPS_ROUTES = ops.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);

// The M05/M17/M18 syncs run in a cluster of this file's own (as the user, biz and finance drills
// do): slot names are fixed per module, and the ops goldens run the same ones in the shared cluster.
describe('M05, M17, M18 (ops) cutover drill under load', () => {
  const drill = serviceDrillStack(ops);

  it('backfill, shadow, canary 10, cutover, rollback, cutover with ratings, notifications, operations, risk scans and alert actions on XML-RPC, JSON-RPC and REST: nothing fails, is lost, doubled or read stale, coach averages true, reconcile clean', async () => {
    // 100 calls/s, half the bench's rate (bench/cutover-ops.ts); dwells of 3 s and one freeze per
    // module keep the load under a minute on a quiet machine (the suite's wall time counts). The lease
    // is longer than production's 5 s: CI runs other heavy suites beside this one. Timings are
    // printed, not asserted; failures, rows, read-backs, averages and reconcile are.
    const stack = drill.stack();
    const result = await runOpsCutoverDrill(stack, {
      members: MEMBERS, coaches: COACHES, operators: OPERATORS, ratePerSecond: 100, dwellMs: 3000, runTag: 'test', leaseMs: 30_000,
      restUrl: stack.gatewayUrl, restRoutes: OPS_ROUTES, tokensFor: (uids) => drill.mount().tokensFor(uids),
      ...drillLog,
    });
    const l = result.load;
    const { lost, duplicated, wrong } = opsLostAndDuplicated(result);
    const latency = opsLatencies(l);
    console.log(`ops drill: ${l.calls} calls at ${result.achievedRate.toFixed(0)}/s in ${(result.elapsedMs / 1000).toFixed(0)} s (${l.late} late; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, REST ${l.byChannel.rest}: ${l.restRoutesUsed.join(', ') || 'none'}); p50 ${latency.p50} ms, p99 ${latency.p99} ms; ${l.ratings.length} ratings (${l.averageReads} averages read back), ${l.notifications.length} notifications (${l.notifications.filter((n) => n.isRead).length} read), ${l.operations.length} operations, ${l.rules.length} rules (${l.rules.reduce((n, r) => n + r.scans.length, 0)} scans, ${l.rules.reduce((n, r) => n + r.scans.reduce((a, b) => a + b, 0), 0)} alerts created), ${l.alerts.length} alerts acted on, ${l.refusals.length} refusals; ${l.readBacks} read-backs, ${l.staleReads.length} stale ${JSON.stringify(result.staleByPhase)}; failed ${l.failures.length}, lost ${lost}, duplicated ${duplicated}, wrong ${wrong}; freezes ${result.steps.map((s) => s.freezeMs).filter((f) => f !== undefined).join('/')} ms, held p99 ${result.freezeHoldP99Ms} ms; ${result.reconcileDetail}${l.failures.length ? `; failures ${JSON.stringify(l.failures.slice(0, 5))}` : ''}`);
    if (process.env.DRILL_LOG) for (const line of [...result.timelines, ...latency.byMethod]) console.log(line);
    for (const s of l.staleReads.slice(0, 10)) console.log(`stale read (${result.staleInCanary.includes(s) ? 'canary' : 'NOT canary'}): ${s.method}: ${s.detail}`);
    for (const r of result.shadow) if (r.unexplained) console.log(`shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained (${r.fields.join(', ')}); last ${r.lastDiff}`);
    for (const side of result.sides) for (const x of [...side.missing, ...side.extra, ...side.wrong].slice(0, 5)) console.log(`${side.side}: ${x}`);
    for (const b of result.rules.breaches) console.log(`breach: ${b}`);

    expect(l.failures).toEqual([]);
    expect(result.steps.map((s) => s.step)).toEqual([
      'backfill M05', 'backfill M17', 'backfill M18', 'shadow M05', 'shadow M17', 'shadow M18', 'canary 10 M05', 'canary 10 M17', 'canary 10 M18',
      'cutover M05', 'cutover M17', 'cutover M18', 'rollback M18', 'rollback M17', 'rollback M05', 'cutover again M05', 'cutover again M17', 'cutover again M18',
    ]);

    // Every kind of call really ran: writes and actions of the three modules, reads of all seven models.
    for (const method of [
      'hp.rating.create', 'hp.notification.create', 'hp.notification.action_mark_read', 'hp.operation.create', 'hp.operation.action_schedule', 'hp.operation.action_done',
      'hp.operation.action_cancel', 'hp.operation.action_done (refused)', 'hp.operation.action_cancel (refused)', 'hp.risk.rule.create', 'hp.risk.rule.action_scan',
      'hp.risk.alert.action_investigate', 'hp.rating.search_read', 'hp.certification.search_read', 'hp.operation.search_read', 'hp.notification.search_read',
      'hp.risk.rule.search_read', 'hp.risk.alert.search_read', 'hp.audit.log.search_read', 'hp.rating.read_group', 'res.users.read coach_rating_avg',
    ]) expect(l.byMethod[method] ?? 0, method).toBeGreaterThan(0);
    for (const channel of ['xmlrpc', 'jsonrpc'] as const) expect(l.byChannel[channel], channel).toBeGreaterThan(200);
    // REST: every route of the service the drill knows was called (REST writes where each module's rows live, in every phase).
    expect(l.restRoutesUsed).toEqual([
      'POST /ops/notifications', 'GET /ops/notifications/:id', 'POST /ops/notifications/:id/read', 'GET /ops/notifications', 'POST /ops/operations', 'GET /ops/operations/:id',
      'POST /ops/operations/:id/schedule', 'POST /ops/operations/:id/done', 'POST /ops/operations/:id/cancel', 'GET /ops/operations', 'POST /risk/rules/:id/scan', 'GET /risk/alerts', 'GET /ops/audit-logs',
    ].filter((route) => OPS_ROUTES.includes(route)).sort());
    expect(l.byChannel.rest).toBeGreaterThan(50);
    // Coaches' averages were read back after their ratings; scans alerted low ratings; the addon refused what it refuses.
    expect(l.averageReads).toBeGreaterThan(20);
    expect(l.rules.flatMap((r) => r.scans).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // How many lifecycles reach their refusal within the drill's time varies with the machine (3 to 32
    // seen in CI); each one reached is checked against the addon's text, and one accepted is a failure.
    expect(l.refusals.length).toBeGreaterThan(0);

    // Nothing lost, doubled or left with other values on either side (alerts complete and once per rating, averages true); every write read back as written.
    for (const side of result.sides) expect(side).toEqual({ side: side.side, missing: [], extra: [], wrong: [] });
    expect(l.readBacks).toBeGreaterThan(300);
    // Reads see their writes in every phase but canary (MIGRATION.md): those are printed above, not asserted.
    expect(result.staleOutsideCanary).toEqual([]);
    expect(result.rules.breaches).toEqual([]);
    expect(result.rules.checked).toBeGreaterThanOrEqual(6);
    expect(result.reconcileClean).toBe(true);
    for (const module of ['M05', 'M17', 'M18']) expect((await readPhase(stack.controller.control, module)).phase, module).toBe('service');
  }, 600_000);
});
