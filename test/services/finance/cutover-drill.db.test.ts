import { describe, expect, it } from 'vitest';
import { lostAndDuplicated, runFinanceCutoverDrill } from '../../../bench/drill/run-finance-drill.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import finance from '../../../services/finance/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

const MEMBERS = 16;

// The M13–M15 syncs run in a cluster of this file's own (as the trade and auth drills do): slot
// names are fixed per module, and the finance golden tests (support/finance-cutover-stack.ts)
// run the same ones in the shared test cluster.
describe('M13 + M14 + M15 (finance) cutover drill under load', () => {
  const drill = serviceDrillStack(finance, 240_000);

  it('backfill, shadow, canary 10, cutover, rollback, cutover with payments, credits, refused overdrafts and gift orders running on RPC and REST: nothing fails, is lost or doubled, balances add up on both sides, reconcile clean', async () => {
    const memberIds = Array.from({ length: MEMBERS }, (_, i) => 6 + i);
    // 100 calls/s, half the bench's rate (bench/cutover-finance.ts): CI runs other heavy suites beside
    // this one on two cores, where a freeze's steps may outlast the 5 s production lease, so the lease
    // is longer here. Timings are printed, not asserted; failures, rows, balances and reconcile are.
    const stack = drill.stack();
    const result = await runFinanceCutoverDrill(stack, {
      restUrl: stack.gatewayUrl, restTokens: drill.mount().tokensFor(memberIds), members: MEMBERS, ratePerSecond: 100, dwellMs: 2000, runTag: 'test', leaseMs: 30_000,
      ...drillLog,
    });
    const l = result.load;
    const { lost, duplicated } = lostAndDuplicated(result);
    console.log(`finance drill: ${l.calls} calls at ${result.achievedRate.toFixed(0)}/s (${l.late} late; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, odoo-await ${l.byChannel.odooAwait}, REST ${l.byChannel.rest}); ${l.accepted.length} ledger rows, ${l.refusals.length} refusals, ${l.payments.length} payments; lost ${lost}, duplicated ${duplicated}; freezes ${result.steps.map((s) => s.freezeMs).filter((f) => f !== undefined).join('/')} ms, held p99 ${result.freezeHoldP99Ms} ms; ${result.reconcileDetail}${l.failures.length ? `; failures ${JSON.stringify(l.failures.slice(0, 5))}` : ''}`);
    if (process.env.DRILL_LOG) for (const t of result.timelines) console.log(t);
    for (const r of result.shadow) if (r.unexplained) console.log(`shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained (${r.fields.join(', ')}); last ${r.lastDiff}`);

    expect(l.failures).toEqual([]);
    expect(result.steps.map((s) => s.step)).toEqual([
      'backfill M13', 'backfill M14', 'backfill M15', 'shadow M13', 'shadow M14', 'shadow M15', 'canary 10 M13', 'canary 10 M14', 'canary 10 M15',
      'cutover M13', 'cutover M14', 'cutover M15', 'rollback M15', 'rollback M14', 'rollback M13', 'cutover again M13', 'cutover again M14', 'cutover again M15',
    ]);
    // M15 alone could not change owner: the coupling gate named its partners, why, and the command to run instead.
    expect(result.loneCutoverRefusal).toContain('M15 is tied to M13 (canary), M14 (canary)');
    expect(result.loneCutoverRefusal).toContain('M14 + M15 declared: hp.gift.order.create debits hp.points.transaction');
    expect(result.loneCutoverRefusal).toContain('run `ficus migrate cutover M13 M14 M15`');

    // Every kind of call really ran, on every channel, and the ledger refused overdrafts on RPC and REST.
    for (const method of [
      'hp.points.transaction.search_read', 'hp.payment.search_read', 'hp.gift.order.search_read', 'res.users.read points_balance', 'GET /points/balance', 'hp.payment.read_group',
      'hp.points.transaction.create credit', 'hp.points.transaction.create debit', 'hp.gift.order.create', 'hp.service.order.create', 'hp.payment.create',
      'hp.payment.action_succeed', 'hp.payment.action_fail', 'hp.payment.action_refund', 'hp.service.order.action_refund', 'POST /payments', 'POST /gifts/purchase',
    ]) expect(l.byMethod[method] ?? 0, method).toBeGreaterThan(0);
    for (const channel of ['xmlrpc', 'jsonrpc', 'odooAwait', 'rest'] as const) expect(l.byChannel[channel], channel).toBeGreaterThan(50);
    expect(l.refusals.filter((r) => r.kind === 'overdraft' && r.method.startsWith('hp.')).length).toBeGreaterThan(0);
    expect(l.refusals.filter((r) => r.method === 'POST /gifts/purchase').length).toBeGreaterThan(0);
    expect(l.refusals.some((r) => r.kind === 'self-gift')).toBe(true);
    expect(l.accepted.filter((a) => a.giftOrderId !== undefined).length).toBeGreaterThan(10);
    expect(l.payments.filter((p) => p.sourceOrderId && p.state !== 'pending').length).toBeGreaterThan(5);

    // Nothing lost, doubled or wrong on either side; balances = before + accepted deltas, chains unbroken.
    for (const side of result.ledger) expect(side).toEqual({ side: side.side, missing: [], extra: [], wrong: [], brokenChains: [], balanceMismatches: [] });
    for (const side of result.payments) expect(side).toEqual({ side: side.side, missing: [], duplicated: [], wrongState: [] });
    expect(result.inconsistentRefusals).toEqual([]);
    expect(result.sourcesNotPaid).toEqual([]);
    expect(result.rules.breaches).toEqual([]);
    expect(result.reconcileClean).toBe(true);
    for (const module of ['M13', 'M14', 'M15']) expect((await readPhase(stack.controller.control, module)).phase).toBe('service');
  }, 300_000);
});
