import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase, StepName } from '../../../migration/control/phases.ts';
import { ensureControlSchema } from '../../../migration/control/store/control-schema.ts';
import { recordTransition } from '../../../migration/control/store/phase-store.ts';
import {
  applyRepair,
  applyRuleRepairs,
  DatabasePools,
  describeRuleRepairPlan,
  exitCodeOf,
  planRepair,
  planRuleRepairs,
  reconcileModules,
  renderReport,
  ruleRepairSides,
  standingFromControl,
  type ReconcileModulesOptions,
  type ReconcileReport,
  type RuleResult,
} from '../../../migration/reconcile/index.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The trade ↔ finance rules on service data, with ownership split the way a migration splits it:
 * M04 (service orders) cut over to trade, M13 (payments) and M14 (points ledger) still Odoo's.
 * `trade` and `finance` stand for svc_trade and svc_finance (copies of the legacy database, so
 * their tables hold the module rows as a backfill would). Three breaches a crash between the
 * services leaves behind are planted in the owner and in its copy (as the syncs would carry them):
 * - an order completed in trade whose points award never reached the ledger;
 * - a payment that succeeded in finance but never marked its pending order paid;
 * - a paid order whose succeeded payment lost its source_id.
 * Reconcile reports each with the ids, `--repair` writes each on its table's system of record
 * only, a table re-sync carries those writes to the copies, and the next run is clean.
 */
let legacy: TestDatabase;
let trade: TestDatabase;
let finance: TestDatabase;
let control: TestDatabase;
const pools = new DatabasePools('finance-rules-test');
const STAMP = `'2026-12-01 10:00:00'`;

type Steps = [StepName, Phase, Phase][];
const TO_SERVICE: Steps = [['shadow', 'legacy', 'shadow'], ['canary', 'shadow', 'canary'], ['cutover', 'canary', 'service']];

beforeAll(async () => {
  [legacy, trade, finance, control] = await Promise.all([legacyDatabase(), legacyDatabase(), legacyDatabase(), emptyDatabase('control')]);
  await ensureControlSchema(control.pool);
  const client = await control.pool.connect();
  try {
    for (const [step, from, to] of TO_SERVICE) await recordTransition(client, { module: 'M04', step, from, to, actor: 'test', reason: null, forced: false, gates: [] });
  } finally {
    client.release();
  }
}, 120_000);

afterAll(async () => {
  await pools.closeAll();
  await Promise.all([legacy?.drop(), trade?.drop(), finance?.drop(), control?.drop()]);
});

const request = (): ReconcileModulesOptions & { pools: DatabasePools } => ({
  sourceUrl: legacy.url,
  modules: ['M04', 'M13', 'M14'],
  serviceUrlFor: (service) => (service === 'trade' ? trade.url : service === 'finance' ? finance.url : testClusterUrl('t_no_such_service_database')),
  standing: standingFromControl(control.pool),
  pools,
});
const reconcile = () => reconcileModules(request());
const rule = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!;
const one = async (db: TestDatabase, sql: string, values: unknown[] = []) => (await db.pool.query(sql, values)).rows[0];

/** The same statement on the owner and its copy: what the sync would have carried over. */
const onBoth = (dbs: TestDatabase[], sql: string, values: unknown[] = []) => Promise.all(dbs.map((db) => db.pool.query(sql, values)));

describe('trade ↔ finance rules', () => {
  it('the pristine data of every side keeps every finance rule, and the ledger rules hold on it', async () => {
    const report = await reconcile();
    const finance = report.rules.filter((r) => ['payment-marks-order-paid', 'order-points-awarded-once', 'service-order-paid-once', 'points-balance-is-sum', 'points-ledger-chain'].includes(r.id));
    expect(finance.map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual([
      // orders are trade's, payments and points Odoo's: the rules over both are also checked on the owners' rows
      'order-points-awarded-once/owners: ok', 'order-points-awarded-once/source: ok', 'order-points-awarded-once/target: ok',
      'payment-marks-order-paid/owners: ok', 'payment-marks-order-paid/source: ok', 'payment-marks-order-paid/target: ok',
      'points-balance-is-sum/source: ok', 'points-balance-is-sum/target: ok',
      'points-ledger-chain/source: ok', 'points-ledger-chain/target: ok',
      'service-order-paid-once/owners: ok', 'service-order-paid-once/source: ok', 'service-order-paid-once/target: ok',
    ]);
    expect(report.status).toBe('clean');
    expect(exitCodeOf(report)).toBe(0);
  });

  const planted = { completed: 0, customer: 0, points: 0, pending: 0, payment: 0, paid: 0, unlinked: 0 };

  it('reports each planted breach on both sides, with the ids involved and the write that mends it', async () => {
    const completed = await one(legacy, `SELECT id, customer_id, floor(amount)::int AS points FROM service_orders WHERE state = 'in_service' ORDER BY id LIMIT 1`);
    Object.assign(planted, { completed: completed.id, customer: completed.customer_id, points: completed.points });
    // trade completed it (and the reverse sync copied the order into Odoo), but the award never reached the ledger
    await onBoth([trade, legacy], `UPDATE service_orders SET state = 'completed', completed_at = ${STAMP}, write_date = ${STAMP} WHERE id = $1`, [planted.completed]);

    const pending = await one(legacy, `SELECT o.* FROM service_orders o WHERE state = 'pending_payment' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.source_id = o.id AND p.source_model = 'hp.service.order') ORDER BY id LIMIT 1`);
    planted.pending = pending.id;
    // Odoo's payment (M13 still legacy) succeeded, copied into svc_finance; the order in trade was never marked paid
    planted.payment = (await one(legacy, `SELECT nextval('payments_id_seq')::int AS id`)).id;
    await onBoth([legacy, finance], `
      INSERT INTO payments (id, payer_id, currency_id, source_model, source_id, reference, method, state, amount, paid_at, create_uid, write_uid, create_date, write_date)
      VALUES ($1, $2, $3, 'hp.service.order', $4, 'PAY/TEST/0001', 'card', 'succeeded', $5, ${STAMP}, 1, 1, ${STAMP}, ${STAMP})`,
      [planted.payment, pending.customer_id, pending.currency_id, pending.id, pending.amount]);

    const paid = await one(legacy, `SELECT o.id, p.id AS payment FROM service_orders o JOIN payments p ON p.source_model = 'hp.service.order' AND p.source_id = o.id AND p.state = 'succeeded' AND p.payer_id = o.customer_id WHERE o.state = 'paid' ORDER BY o.id LIMIT 1`);
    Object.assign(planted, { paid: paid.id, unlinked: paid.payment });
    await onBoth([legacy, finance], `UPDATE payments SET source_id = NULL, write_date = ${STAMP} WHERE id = $1`, [planted.unlinked]);

    const report = await reconcile();
    expect(report.tables.filter((t) => t.status !== 'clean').map((t) => t.table)).toEqual([]); // every copy equals its owner: only the rules see it
    for (const side of ['source', 'target', 'owners'] as const) {
      expect(rule(report, 'order-points-awarded-once', side).breaches, side).toEqual([{
        ids: { service_orders: [planted.completed], points_transactions: [] },
        detail: `order ${planted.completed} is completed but customer ${planted.customer} was never credited its ${planted.points} points`,
        repair: { kind: 'append-points', table: 'points_transactions', userId: planted.customer, delta: planted.points, reason: 'order', refModel: 'hp.service.order', refId: planted.completed },
      }]);
      expect(rule(report, 'payment-marks-order-paid', side).breaches, side).toEqual([{
        ids: { payments: [planted.payment], service_orders: [planted.pending] },
        detail: expect.stringMatching(new RegExp(`^payment ${planted.payment} succeeded but order ${planted.pending} \\(.+\\) is still pending_payment$`)),
        repair: { kind: 'mark-order-paid', table: 'service_orders', orderId: planted.pending, paymentId: planted.payment },
      }]);
      expect(rule(report, 'service-order-paid-once', side).breaches, side).toEqual([{
        ids: { service_orders: [planted.paid], payments: [] },
        detail: `order ${planted.paid} (paid) has no succeeded payment`,
        repair: { kind: 'link-payment', table: 'payments', paymentId: planted.unlinked, orderId: planted.paid, previousSourceId: null },
      }]);
      expect(rule(report, 'payment-order-exists', side).breaches.map((b) => b.ids.payments), side).toEqual([[planted.unlinked]]);
    }
    expect(report.rules.filter((r) => r.side === 'owners').map((r) => r.id).sort()).toEqual(['order-points-awarded-once', 'payment-marks-order-paid', 'payment-order-exists', 'service-order-paid-once']);
    expect(exitCodeOf(report)).toBe(1);
    expect(renderReport(report, 'table')).toContain(`order ${planted.completed} is completed but customer ${planted.customer} was never credited its ${planted.points} points`);
  });

  it('--repair writes each mend on the system of record of its table only; the sync carries it; then clean', async () => {
    const sides = ruleRepairSides(request());
    const before = await reconcile();
    const plan = await planRuleRepairs(before, sides.ownerOf);
    // points and payments are Odoo's (M13, M14 in legacy): written in the legacy database; the order is trade's (M04 cut over)
    expect(plan.steps.map((s) => `${s.repair.kind} → ${s.side} (${s.owner})`).sort()).toEqual([
      'append-points → source (legacy)', 'link-payment → source (legacy)', 'mark-order-paid → target (service)',
    ]);
    // each breach is seen in the owner and in its copy: one write, on the owner (the sync mends the copy)
    expect(plan.leftOver.filter((l) => l.reason.startsWith('seen in the copy'))).toEqual([]);
    expect(plan.leftOver.filter((l) => l.rule === 'payment-order-exists')).toHaveLength(3); // source, target, owners: mended by the link, not by a write of its own

    const text = describeRuleRepairPlan(plan);
    expect(text).toContain(`SELECT pg_advisory_xact_lock(14, ${planted.customer});`);
    expect(text).toMatch(new RegExp(`INSERT INTO points_transactions [^;]*SELECT ${planted.customer}, ${planted.points}, last\\.balance \\+ ${planted.points}, 'order', 'hp\\.service\\.order', ${planted.completed}`));
    expect(text).toContain(`UPDATE service_orders SET state = 'paid'`);
    expect(text).toContain(`UPDATE payments SET source_id = ${planted.paid}`);

    // planning wrote nothing
    expect(exitCodeOf(await reconcile())).toBe(1);

    const lastBefore = (await one(legacy, `SELECT coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) AS b`, [planted.customer])).b;
    const applied = await applyRuleRepairs(plan, sides.pools);
    expect(applied.map((r) => r.written)).toEqual([true, true, true]);
    const award = await one(legacy, `SELECT user_id, delta, balance_after, reason, ref_model, ref_id FROM points_transactions WHERE reason = 'order' AND ref_id = $1`, [planted.completed]);
    expect(award).toEqual({ user_id: planted.customer, delta: planted.points, balance_after: lastBefore + planted.points, reason: 'order', ref_model: 'hp.service.order', ref_id: planted.completed });
    expect((await one(trade, `SELECT state FROM service_orders WHERE id = $1`, [planted.pending])).state).toBe('paid');
    expect((await one(legacy, `SELECT state FROM service_orders WHERE id = $1`, [planted.pending])).state).toBe('pending_payment'); // trade's copy in Odoo: the sync's job
    expect((await one(finance, `SELECT count(*)::int AS n FROM points_transactions WHERE ref_id = $1 AND reason = 'order'`, [planted.completed])).n).toBe(0); // nothing written into a copy

    // The owners are mended; their copies lag until the syncs carry the rows (here: the table re-sync, from each owner).
    const lagging = await reconcile();
    expect(lagging.tables.filter((t) => t.status !== 'clean').map((t) => t.table).sort()).toEqual(['payments', 'points_transactions', 'service_orders']);
    const owners = new Map((lagging.scope ?? []).map((m) => [m.code, m.systemOfRecord]));
    const resync = await planRepair(lagging, (table) => owners.get(lagging.tables.find((t) => t.table === table)?.module ?? '') ?? 'legacy');
    await applyRepair(resync, { source: () => legacy.pool, target: (table) => (table === 'service_orders' ? trade.pool : finance.pool) });

    const after = await reconcile();
    expect(after.rules.filter((r) => r.status === 'breached').map((r) => `${r.id}/${r.side}`)).toEqual([]);
    expect(after.status).toBe('clean');
    expect(exitCodeOf(after)).toBe(0);

    // A plan applied twice (or after the sync mended the breach) writes nothing more.
    expect((await applyRuleRepairs(plan, sides.pools)).map((r) => r.written)).toEqual([false, false, false]);
    expect((await one(legacy, `SELECT count(*)::int AS n FROM points_transactions WHERE reason = 'order' AND ref_id = $1`, [planted.completed])).n).toBe(1);
  });

  it('an order completed in trade that the reverse sync has not carried into Odoo yet: only the owners\' rows show the award missing, and the write goes to Odoo\'s ledger', async () => {
    const order = (await trade.pool.query(`SELECT id, completed_at, write_date FROM service_orders WHERE state = 'in_service' ORDER BY id LIMIT 1`)).rows[0];
    await trade.pool.query(`UPDATE service_orders SET state = 'completed', completed_at = ${STAMP}, write_date = ${STAMP} WHERE id = $1`, [order.id]);
    try {
      const report = await reconcile();
      const breachedOn = (side: RuleResult['side']) => rule(report, 'order-points-awarded-once', side).breaches.map((b) => b.ids.service_orders![0]);
      expect({ source: breachedOn('source'), target: breachedOn('target'), owners: breachedOn('owners') }).toEqual({ source: [], target: [order.id], owners: [order.id] });
      const plan = await planRuleRepairs(report, ruleRepairSides(request()).ownerOf);
      // the service side saw it in finance's copy of the ledger; the owners' rows say where it is written: Odoo's ledger (M14 legacy)
      expect(plan.steps.map((s) => `${s.rule} → ${s.side} (${s.owner})`)).toEqual(['order-points-awarded-once → source (legacy)']);
    } finally {
      await trade.pool.query(`UPDATE service_orders SET state = 'in_service', completed_at = $2, write_date = $3 WHERE id = $1`, [order.id, order.completed_at, order.write_date]);
    }
  });

  it('the ledger owned by finance (M14 cut over): a lost award is written into svc_finance under the ledger lock, never into Odoo', async () => {
    const client = await control.pool.connect();
    try {
      for (const [step, from, to] of TO_SERVICE) await recordTransition(client, { module: 'M14', step, from, to, actor: 'test', reason: null, forced: false, gates: [] });
    } finally {
      client.release();
    }
    const [lost, lagging] = (await legacy.pool.query(`SELECT id, customer_id, floor(amount)::int AS points FROM service_orders WHERE state = 'in_service' ORDER BY id LIMIT 2`)).rows;
    await onBoth([trade, legacy], `UPDATE service_orders SET state = 'completed', completed_at = ${STAMP}, write_date = ${STAMP} WHERE id = ANY($1)`, [[lost.id, lagging.id]]);
    // The cutover moves svc_finance's ids into a range Odoo never uses (as the control plane does).
    await finance.pool.query(`SELECT setval('points_transactions_id_seq', (SELECT max(id) FROM points_transactions) + 1000000)`);
    // finance awarded the second one; the reverse sync has not copied the award into Odoo yet
    await finance.pool.query(
      `INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id)
       SELECT $1, $2, coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) + $2, 'order', 'hp.service.order', $3`,
      [lagging.customer_id, lagging.points, lagging.id]);
    const report = await reconcile();
    expect(rule(report, 'order-points-awarded-once', 'source').breaches.map((b) => b.ids.service_orders![0])).toEqual([lost.id, lagging.id]);
    expect(rule(report, 'order-points-awarded-once', 'target').breaches.map((b) => b.ids.service_orders![0])).toEqual([lost.id]);
    const sides = ruleRepairSides(request());
    const plan = await planRuleRepairs(report, sides.ownerOf);
    expect(plan.steps.map((s) => `${s.repair.kind} ${s.repair.kind === 'append-points' ? s.repair.refId : ''} → ${s.side} (${s.owner})`)).toEqual([`append-points ${lost.id} → target (service)`]);
    expect(plan.leftOver.filter((l) => l.rule === 'order-points-awarded-once')).toEqual([{
      rule: 'order-points-awarded-once', side: 'source', detail: expect.stringContaining(`order ${lagging.id} is completed`),
      reason: expect.stringMatching(/^seen in the copy of points_transactions in the legacy database, whose system of record is its service: not written there/),
    }]);
    await applyRuleRepairs(plan, sides.pools);
    expect((await one(finance, `SELECT delta FROM points_transactions WHERE reason = 'order' AND ref_id = $1`, [lost.id]))?.delta).toBe(lost.points);
    expect(await one(legacy, `SELECT id FROM points_transactions WHERE reason = 'order' AND ref_id = ANY($1)`, [[lost.id, lagging.id]])).toBeUndefined();
  });

  it('a repair write the database refuses is reported with its reason and the breach stays: never a failed run (exit 2)', async () => {
    const order = (await legacy.pool.query(`SELECT id, customer_id FROM service_orders WHERE state = 'in_service' ORDER BY id LIMIT 1`)).rows[0];
    await onBoth([trade, legacy], `UPDATE service_orders SET state = 'completed', completed_at = ${STAMP}, write_date = ${STAMP} WHERE id = $1`, [order.id]);
    // M14 is finance's by now (the test before): its ledger refuses this award, as a constraint added by hand would
    await finance.pool.query(`ALTER TABLE points_transactions ADD CONSTRAINT refuse_this_award CHECK (ref_id IS DISTINCT FROM ${order.id}) NOT VALID`);
    try {
      const sides = ruleRepairSides(request());
      const plan = await planRuleRepairs(await reconcile(), sides.ownerOf);
      expect(plan.steps.map((s) => s.repair.kind === 'append-points' && s.repair.refId)).toEqual([order.id]);
      const [result] = await applyRuleRepairs(plan, sides.pools);
      expect(result).toMatchObject({ written: false, failed: expect.stringContaining('refuse_this_award') });
      const report = await reconcile();
      expect(rule(report, 'order-points-awarded-once', 'target').breaches.map((b) => b.ids.service_orders![0])).toEqual([order.id]);
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      await finance.pool.query(`ALTER TABLE points_transactions DROP CONSTRAINT refuse_this_award`);
    }
  });

  it('breaches a machine must not mend are reported with the reason and left alone: a rewritten ledger balance', async () => {
    const row = await one(finance, `SELECT id, user_id FROM points_transactions WHERE id = (SELECT max(id) FROM points_transactions WHERE reason = 'checkin')`);
    await onBoth([finance, legacy], `UPDATE points_transactions SET balance_after = balance_after + 5 WHERE id = $1`, [row.id]);
    const report = await reconcile();
    const sum = rule(report, 'points-balance-is-sum', 'target').breaches.filter((b) => b.ids.res_users![0] === row.user_id);
    const chain = rule(report, 'points-ledger-chain', 'target').breaches.filter((b) => b.ids.res_users![0] === row.user_id);
    expect(chain.length).toBeGreaterThan(0);
    const last = (await one(finance, `SELECT max(id) AS id FROM points_transactions WHERE user_id = $1`, [row.user_id])).id;
    // the balance itself is off only when the rewritten row is the user's last
    expect(sum.length).toBe(last === row.id ? 1 : 0);
    const plan = await planRuleRepairs(report, ruleRepairSides(request()).ownerOf);
    expect(plan.steps.filter((s) => s.detail.includes(`user ${row.user_id}`))).toEqual([]);
    expect(plan.leftOver.filter((l) => l.rule === 'points-ledger-chain' && l.side === 'target').map((l) => l.reason)).toEqual(chain.map(() => 'no automatic repair for this rule: a person decides'));
    expect(exitCodeOf(report)).toBe(1);
    await onBoth([finance, legacy], `UPDATE points_transactions SET balance_after = balance_after - 5 WHERE id = $1`, [row.id]);
  });
});
