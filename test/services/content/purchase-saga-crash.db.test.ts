import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import content from '../../../services/content/index.ts';
import { CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP } from '../../../services/content/domain/purchase-saga.ts';
import { paymentReferenceOf } from '../../../services/content/routes/contents-finance.ts';
import { SagaRunner, sagaStepKey, type SagaOutcome } from '../../../services/kit/index.ts';
import { paidContent, plainMembers, startKnowledgeSides, type KnowledgeSides } from './knowledge-sides.ts';
import { purchaseRunners, ProcessDied } from './purchase-runners.ts';

/**
 * The content_purchase saga survives its process dying at any point: a runner that "dies" at a
 * boundary (its onBoundary throws, so it writes nothing more, as a killed process would) leaves
 * the saga's rows as they were, and a new runner's resumeAll (what the runtime does at start)
 * ends it either paid and confirmed or compensated, with consistent rows: one payment per
 * purchase at most, no purchase whose payment did not succeed, purchase_count = purchases,
 * content_purchased once, and a pending purchase never opening the paid body.
 */
let sides: KnowledgeSides;
let db: Kysely<any>;
let paid: Awaited<ReturnType<typeof paidContent>>;
let buyers: number[];
const { runner, recordAsRequest, stopAll } = purchaseRunners(() => ({ sides, db }));

/** Runs the saga on a runner that dies at its boundary: the run must end by that death. */
async function dies(by: SagaRunner, id: number): Promise<void> {
  await expect(by.run(id)).rejects.toBeInstanceOf(ProcessDied);
  await by.stop();
}

/** A fresh runner resumes every unfinished saga (as the runtime at its next start); this saga's outcome. */
async function resumed(id: number): Promise<SagaOutcome | string> {
  const next = runner();
  expect(await next.resumeAll()).toBeGreaterThanOrEqual(1);
  await next.stop();
  return (await sides.service.query('SELECT status FROM saga_instances WHERE id = $1', [id])).rows[0].status;
}

const purchasesOf = async (buyer: number) =>
  (await sides.service.query('SELECT id, purchased_at FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, buyer])).rows;
const paymentsOfKey = async (key: string) =>
  (await sides.legacy.query('SELECT id, state, source_id FROM payments WHERE reference = $1', [paymentReferenceOf(sagaStepKey(CONTENT_PURCHASE_SAGA, key, 'pay', 'action'))])).rows;
const countConsistent = async () =>
  (await sides.service.query('SELECT purchase_count = (SELECT count(*) FROM content_purchases WHERE content_id = $1) AS ok FROM knowledge_contents WHERE id = $1', [paid.id])).rows[0].ok;
const eventsOf = async (purchaseId: number) =>
  (await sides.service.query("SELECT count(*)::int AS n FROM outbox WHERE type = 'content_purchased' AND payload->'data'->>'purchaseId' = $1", [String(purchaseId)])).rows[0].n;
const balance = async (uid: number) => Number((await sides.legacy.query('SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [uid])).rows[0]?.balance_after ?? 0);

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
  db = new Kysely<any>({ dialect: new PostgresDialect({ pool: sides.service }) });
  paid = await paidContent(sides.service);
  const already = new Set((await sides.service.query<{ buyer_id: number }>('SELECT buyer_id FROM content_purchases WHERE content_id = $1', [paid.id])).rows.map((r) => r.buyer_id));
  buyers = (await plainMembers(sides.service, 80)).filter((uid) => !already.has(uid) && uid !== paid.authorId).slice(0, 4);
}, 240_000);
afterAll(async () => {
  await stopAll();
  await sides?.stop();
});

describe('the content purchase saga across a crash', () => {
  it('dies after record_purchase committed: the pending purchase opens no body; the next start pays it once, confirms it and announces it once', async () => {
    const buyer = buyers[0]!;
    const key = `crash-${process.pid}-before-pay`;
    const started = await recordAsRequest(runner(), key, { contentId: paid.id, buyerId: buyer, method: 'card' });
    await dies(runner({ step: 'pay', at: 'before-action' }), started.id);
    const [pending] = await purchasesOf(buyer);
    expect(pending.purchased_at).toBeNull();
    expect(await paymentsOfKey(key)).toEqual([]);
    expect(await countConsistent()).toBe(true);
    const read = await sides.rest('GET', `/contents/${paid.id}`, buyer);
    expect([read.status, read.body.body]).toEqual([200, null]);

    expect(await resumed(started.id)).toBe('completed');
    const [bought] = await purchasesOf(buyer);
    expect(bought.id).toBe(pending.id);
    expect(bought.purchased_at).not.toBeNull();
    expect((await paymentsOfKey(key)).map((p) => [p.state, p.source_id])).toEqual([['succeeded', pending.id]]);
    expect(await eventsOf(pending.id)).toBe(1);
    expect(await countConsistent()).toBe(true);
    const unlocked = await sides.rest('GET', `/contents/${paid.id}`, buyer);
    expect(typeof unlocked.body.body).toBe('string');
  });

  it('dies after finance took the payment, before the runner recorded it: the resumed step finds that payment and pays nothing more', async () => {
    const buyer = buyers[1]!;
    const key = `crash-${process.pid}-after-pay`;
    const started = await recordAsRequest(runner(), key, { contentId: paid.id, buyerId: buyer, method: 'alipay' });
    await dies(runner({ step: 'pay', at: 'after-action' }), started.id);
    expect((await paymentsOfKey(key)).map((p) => p.state)).toEqual(['succeeded']);
    expect((await purchasesOf(buyer))[0].purchased_at).toBeNull();

    expect(await resumed(started.id)).toBe('completed');
    const [bought] = await purchasesOf(buyer);
    expect(bought.purchased_at).not.toBeNull();
    const payments = await sides.legacy.query("SELECT state FROM payments WHERE source_model = 'hp.content.purchase' AND source_id = $1 AND payer_id = $2", [bought.id, buyer]);
    expect(payments.rows.map((p) => p.state)).toEqual(['succeeded']);
    expect(await eventsOf(bought.id)).toBe(1);
  });

  it('a declined payment, and a death before the compensation: the next start withdraws the purchase; the points stay as they were', async () => {
    const buyer = buyers[2]!;
    const key = `crash-${process.pid}-declined`;
    const start = await balance(buyer);
    // Dearer than the buyer's points for the purchase's amount (read when it is recorded).
    await sides.service.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [paid.id, String(start + 1000)]);
    const started = await recordAsRequest(runner(), key, { contentId: paid.id, buyerId: buyer, method: 'points' }).finally(() =>
      sides.service.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [paid.id, paid.price]));
    await dies(runner({ step: RECORD_PURCHASE_STEP, at: 'before-compensation' }), started.id);
    expect(await purchasesOf(buyer)).toHaveLength(1);
    expect((await paymentsOfKey(key)).map((p) => p.state)).toEqual(['failed']);

    expect(await resumed(started.id)).toBe('compensated');
    expect(await purchasesOf(buyer)).toEqual([]);
    expect(await countConsistent()).toBe(true);
    expect(await balance(buyer)).toBe(start);
    expect((await paymentsOfKey(key)).map((p) => p.state)).toEqual(['failed']);
  });

  it('a step that keeps failing after the payment (content_purchased refused), and a death between the refund and the withdrawal: refunded once, no purchase left', async () => {
    const buyer = buyers[3]!;
    const key = `crash-${process.pid}-gave-up`;
    await sides.service.query(`CREATE FUNCTION p1_refuse_purchase_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.type = 'content_purchased' THEN RAISE EXCEPTION 'outbox unavailable'; END IF; RETURN NEW; END $$`);
    await sides.service.query('CREATE TRIGGER p1_refuse_purchase_event BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION p1_refuse_purchase_event()');
    let id: number;
    try {
      id = (await recordAsRequest(runner(), key, { contentId: paid.id, buyerId: buyer, method: 'card' })).id;
      await dies(runner({ step: 'pay', at: 'after-compensation' }), id);
    } finally {
      await sides.service.query('DROP TRIGGER p1_refuse_purchase_event ON outbox; DROP FUNCTION p1_refuse_purchase_event()');
    }
    expect((await paymentsOfKey(key)).map((p) => p.state)).toEqual(['refunded']);
    expect(await purchasesOf(buyer)).toHaveLength(1);

    expect(await resumed(id)).toBe('compensated');
    expect(await purchasesOf(buyer)).toEqual([]);
    expect((await paymentsOfKey(key)).map((p) => p.state)).toEqual(['refunded']);
    expect(await countConsistent()).toBe(true);
  });
});
