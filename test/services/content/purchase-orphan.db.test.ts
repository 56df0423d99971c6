import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import content from '../../../services/content/index.ts';
import { orphanPurchaseSweep, orphanSweepSettingsFromEnv } from '../../../services/content/domain/orphan-purchase-sweep.ts';
import { sweepOrphanPurchases } from '../../../services/content/domain/orphan-purchases.ts';
import { CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP } from '../../../services/content/domain/purchase-saga.ts';
import { paidContent, plainMembers, startKnowledgeSides, type KnowledgeSides } from './knowledge-sides.ts';
import { purchaseRunners, ProcessDied } from './purchase-runners.ts';

/**
 * Before M06's cutover a REST purchase commits on the monolith just before its saga's row commits
 * on svc_content. A runner that "dies" right after record_purchase (its onBoundary throws inside
 * the request's transaction, which then rolls back: as a killed process, nothing more of svc_content
 * commits) leaves exactly that: a pending purchase on the monolith, counted, and no saga. The
 * buyer's next attempt replaces it, or the sweep withdraws it after its grace, on whichever side
 * M06 lives by then; purchase_count equals the rows throughout. A purchase whose saga is merely
 * slow, and an Odoo client's purchase left unpaid on purpose, are never touched.
 */
let sides: KnowledgeSides;
let db: Kysely<any>;
let paid: Awaited<ReturnType<typeof paidContent>>;
let buyers: number[];
let key = 0;
const { runner, recordAsRequest, stopAll } = purchaseRunners(() => ({ sides, db }));

/** The process dies between the monolith's commit and the saga's: the request's transaction of svc_content never commits. */
async function crashBetweenCommits(buyer: number): Promise<void> {
  await expect(recordAsRequest(runner({ step: RECORD_PURCHASE_STEP, at: 'after-action' }), `orphan-${process.pid}-${(key += 1)}`, { contentId: paid.id, buyerId: buyer, method: 'card' }))
    .rejects.toBeInstanceOf(ProcessDied);
}

const purchasesOn = async (pool: typeof sides.legacy, buyer: number) =>
  (await pool.query('SELECT id, purchased_at FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, buyer])).rows as { id: number; purchased_at: Date | null }[];
const countOn = async (pool: typeof sides.legacy) =>
  (await pool.query<{ purchase_count: number; n: number }>('SELECT purchase_count, (SELECT count(*)::int FROM content_purchases WHERE content_id = $1) AS n FROM knowledge_contents WHERE id = $1', [paid.id])).rows[0]!;
const sagasNaming = async (purchaseId: number) =>
  (await sides.service.query<{ n: number }>(`SELECT count(*)::int AS n FROM saga_instances WHERE saga = $1 AND outputs -> $2 -> 'purchase' ->> 'id' = $3`, [CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP, String(purchaseId)])).rows[0]!.n;
const intents = async () => (await sides.service.query<{ purchase_id: number }>('SELECT purchase_id FROM content_purchase_intents ORDER BY purchase_id')).rows.map((r) => r.purchase_id);
const buy = (buyer: number) => sides.rest('POST', `/contents/${paid.id}/purchase`, buyer, { method: 'card' }, { 'idempotency-key': `orphan-rest-${process.pid}-${(key += 1)}` });
const sweepNow = (graceMs: number) => sweepOrphanPurchases({ db, legacyPool: sides.legacy }, { graceMs, limit: 100 });

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
  await sides.setOwner('legacy');
  db = new Kysely<any>({ dialect: new PostgresDialect({ pool: sides.service }) });
  paid = await paidContent(sides.legacy);
  const already = new Set((await sides.legacy.query<{ buyer_id: number }>('SELECT buyer_id FROM content_purchases WHERE content_id = $1', [paid.id])).rows.map((r) => r.buyer_id));
  buyers = (await plainMembers(sides.legacy, 80, 10)).filter((uid) => !already.has(uid) && uid !== paid.authorId).slice(0, 6);
}, 240_000);
afterAll(async () => {
  await stopAll();
  await sides?.stop();
});

describe('a pending purchase left without its saga (M06 on the monolith)', () => {
  it("the crash between the two commits leaves a counted pending purchase and no saga; the buyer's next attempt replaces it and buys: 201, one paid purchase, purchase_count = purchases", async () => {
    const buyer = buyers[0]!;
    const before = await countOn(sides.legacy);
    await crashBetweenCommits(buyer);
    const [orphan] = await purchasesOn(sides.legacy, buyer);
    expect(orphan!.purchased_at).toBeNull();
    expect(await sagasNaming(orphan!.id)).toBe(0);
    expect(await countOn(sides.legacy)).toEqual({ purchase_count: before.n + 1, n: before.n + 1 });
    expect(await intents()).toContain(orphan!.id);

    const bought = await buy(buyer);
    expect(bought.status, bought.text).toBe(201);
    const rows = await purchasesOn(sides.legacy, buyer);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(bought.body.purchase.id);
    expect(rows[0]!.id).not.toBe(orphan!.id);
    expect(rows[0]!.purchased_at).not.toBeNull();
    expect(await countOn(sides.legacy)).toEqual({ purchase_count: before.n + 1, n: before.n + 1 });
    expect(await intents()).not.toContain(orphan!.id);
    // Bought now: a further attempt is the addon's 409.
    expect((await buy(buyer)).status).toBe(409);
  }, 120_000);

  it('the sweep (the background work, grace passed) withdraws an orphan nobody comes back for: purchase_count back, counted in its metric; the buyer then buys', async () => {
    const buyer = buyers[1]!;
    const before = await countOn(sides.legacy);
    await crashBetweenCommits(buyer);
    const [orphan] = await purchasesOn(sides.legacy, buyer);
    // Younger than the grace: left alone.
    expect((await sweepNow(15 * 60_000)).settled.map((s) => s.intent.purchaseId)).not.toContain(orphan!.id);
    expect(await purchasesOn(sides.legacy, buyer)).toHaveLength(1);

    const metrics = new Registry();
    const work = orphanPurchaseSweep({ db, pool: sides.service, legacyPool: sides.legacy, logger: createLogger({ level: 'silent', format: 'json' }), metrics }, { graceMs: 0, everyMs: 50 });
    try {
      for (let i = 0; i < 400 && (await purchasesOn(sides.legacy, buyer)).length; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await work.stop();
    }
    expect(await purchasesOn(sides.legacy, buyer)).toEqual([]);
    expect(await countOn(sides.legacy)).toEqual(before);
    expect(await intents()).not.toContain(orphan!.id);
    const counted = (await metrics.getSingleMetric('ficus_content_orphan_purchases_total')!.get()).values;
    expect(counted.find((v) => v.labels.outcome === 'withdrawn' && v.labels.by === 'sweep')?.value).toBe(1);

    const bought = await buy(buyer);
    expect(bought.status, bought.text).toBe(201);
    expect(await countOn(sides.legacy)).toEqual({ purchase_count: before.n + 1, n: before.n + 1 });
  }, 120_000);

  it("a saga that is merely slow (its payment not yet made) and an Odoo client's unpaid purchase are never touched, even with no grace; the slow saga then completes", async () => {
    const [slowBuyer, odooBuyer] = [buyers[2]!, buyers[3]!];
    const slowKey = `orphan-slow-${process.pid}`;
    const started = await recordAsRequest(runner(), slowKey, { contentId: paid.id, buyerId: slowBuyer, method: 'card' });
    const [pending] = await purchasesOn(sides.legacy, slowBuyer);
    expect(pending!.purchased_at).toBeNull();
    const clientPurchase = Number(await sides.legacyRpc(2, 'hp.content.purchase', 'create', [{ content_id: paid.id, buyer_id: odooBuyer, purchased_at: false }]));
    expect((await purchasesOn(sides.legacy, odooBuyer))[0]).toEqual({ id: clientPurchase, purchased_at: null });
    const before = await countOn(sides.legacy);

    const swept = await sweepNow(0);
    expect(swept.settled.map((s) => s.intent.purchaseId)).not.toContain(pending!.id);
    expect(swept.settled.map((s) => s.intent.purchaseId)).not.toContain(clientPurchase);
    expect((await purchasesOn(sides.legacy, slowBuyer)).map((p) => p.id)).toEqual([pending!.id]);
    expect((await purchasesOn(sides.legacy, odooBuyer)).map((p) => p.id)).toEqual([clientPurchase]);
    expect(await countOn(sides.legacy)).toEqual(before);
    // Their buyers' next attempts are 409 as before: neither is an orphan.
    expect((await buy(slowBuyer)).status).toBe(409);
    expect((await buy(odooBuyer)).status).toBe(409);

    const next = runner();
    expect(await next.run(started.id)).toBe('completed');
    expect((await purchasesOn(sides.legacy, slowBuyer))[0]!.purchased_at).not.toBeNull();
    expect(await countOn(sides.legacy)).toEqual(before);
  }, 120_000);

  it('an orphan left before the cutover is withdrawn where M06 lives after it (svc_content, holding the forward copy of the row)', async () => {
    const buyer = buyers[4]!;
    await crashBetweenCommits(buyer);
    const [orphan] = (await sides.legacy.query('SELECT * FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, buyer])).rows;
    // What M06's forward sync copied before the cutover: the row, and the content's count as the monolith has it.
    const columns = Object.keys(orphan);
    await sides.service.query(`INSERT INTO content_purchases (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => orphan[c]));
    await sides.service.query('UPDATE knowledge_contents SET purchase_count = (SELECT count(*) FROM content_purchases WHERE content_id = $1) WHERE id = $1', [paid.id]);
    const before = await countOn(sides.service);
    await sides.setOwner('service');
    try {
      const swept = await sweepNow(0);
      expect(swept.settled.filter((s) => s.intent.purchaseId === orphan.id).map((s) => [s.outcome, s.home])).toEqual([['withdrawn', 'service']]);
      expect(await purchasesOn(sides.service, buyer)).toEqual([]);
      expect(await countOn(sides.service)).toEqual({ purchase_count: before.n - 1, n: before.n - 1 });
      expect(await intents()).toEqual([]);
    } finally {
      await sides.setOwner('legacy');
    }
  }, 120_000);

  it('the settings are validated: minutes and seconds as whole numbers in range, named when wrong', () => {
    expect(orphanSweepSettingsFromEnv({})).toEqual({ graceMs: 15 * 60_000, everyMs: 60_000 });
    expect(orphanSweepSettingsFromEnv({ CONTENT_ORPHAN_PURCHASE_GRACE_MINUTES: '30', CONTENT_ORPHAN_PURCHASE_SWEEP_SECONDS: '5' })).toEqual({ graceMs: 30 * 60_000, everyMs: 5000 });
    for (const bad of ['0', '-5', '1.5', 'soon', '1e3', '99999999']) {
      expect(() => orphanSweepSettingsFromEnv({ CONTENT_ORPHAN_PURCHASE_GRACE_MINUTES: bad }), bad).toThrow(/CONTENT_ORPHAN_PURCHASE_GRACE_MINUTES/);
    }
    expect(() => orphanSweepSettingsFromEnv({ CONTENT_ORPHAN_PURCHASE_SWEEP_SECONDS: '0' })).toThrow(/CONTENT_ORPHAN_PURCHASE_SWEEP_SECONDS/);
  });
});
