import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { plainMembers, startKnowledgeSides, type KnowledgeSides } from './knowledge-sides.ts';

/**
 * Issue 23, bar 2: 200 concurrent purchases of one content by 50 buyers, after M06's cutover,
 * REST and Odoo RPC mixed (each buyer tries twice over REST, each with its own Idempotency-Key,
 * and twice over RPC as a legacy client buys: hp.content.purchase.create on content's engine,
 * then, when its create went through, the payment of that purchase at finance, as the seed's
 * clients paid). Exactly 50 purchases, 50 succeeded payments, purchase_count 50; every answer
 * is a purchase or a refusal in its protocol's language (REST 201/409, RPC an id or Odoo's
 * ValidationError with the constraint's message), never a 500, a stack or a database text.
 */
let sides: KnowledgeSides;
const ADMIN = 2;
const BUYERS = Number(process.env.RACE_BUYERS ?? 50);
const DB_TEXT = /duplicate key|violates|constraint "|could not serialize|deadlock|SQLSTATE|at .*\.ts:\d+/i;

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('the purchase race (bar 2)', () => {
  it('200 concurrent purchases of one content by 50 buyers over REST and RPC make exactly 50 purchases, 50 payments and purchase_count 50', async () => {
    const [content] = (await sides.service.query<{ id: number }>(
      `INSERT INTO knowledge_contents (title, content_type, currency_id, price, body, published, published_at, purchase_count, author_id, create_uid, write_uid, create_date, write_date)
       VALUES ('Race course', 'course', 6, 29.9, '<p>paid</p>', true, now() at time zone 'UTC', 0, NULL, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`)).rows;
    const contentId = content!.id;
    const buyers = await plainMembers(sides.service, BUYERS);
    expect(buyers).toHaveLength(BUYERS);
    const answers: { via: string; buyer: number; outcome: unknown }[] = [];
    const rest = (buyer: number, n: number) => async () => {
      const answer = await sides.rest('POST', `/contents/${contentId}/purchase`, buyer, { method: 'card' }, { 'idempotency-key': `race-${process.pid}-${buyer}-${n}` });
      answers.push({ via: 'rest', buyer, outcome: { status: answer.status, body: answer.body, text: answer.text } });
    };
    const rpc = (buyer: number) => async () => {
      try {
        const purchaseId = (await sides.serviceRpc(buyer, 'hp.content.purchase', 'create', [{ content_id: contentId, buyer_id: buyer }])) as number;
        const paymentId = (await sides.legacyRpc(buyer, 'hp.payment', 'create', [{ reference: `PAY-KC-RACE-${process.pid}-${purchaseId}`, payer_id: buyer, amount: 29.9, method: 'alipay', source_model: 'hp.content.purchase', source_id: purchaseId }])) as number;
        await sides.legacyRpc(ADMIN, 'hp.payment', 'action_succeed', [[paymentId]]);
        answers.push({ via: 'rpc', buyer, outcome: { purchaseId } });
      } catch (error) {
        answers.push({ via: 'rpc', buyer, outcome: error instanceof OdooError ? { error: error.exceptionName, message: error.message } : { crash: String(error) } });
      }
    };
    const attempts = buyers.flatMap((buyer) => [rest(buyer, 1), rest(buyer, 2), rpc(buyer), rpc(buyer)]);
    for (let i = attempts.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [attempts[i], attempts[j]] = [attempts[j]!, attempts[i]!];
    }
    const started = Date.now();
    const watch = process.env.RACE_DEBUG ? setInterval(async () => {
      for (const [name, pool] of [['svc', sides.service], ['legacy', sides.legacy]] as const) {
        const { rows } = await pool.query("SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS q, now() - xact_start AS age FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST");
        console.log(name, answers.length, JSON.stringify(rows, null, 0));
      }
    }, 15_000) : undefined;
    await Promise.all(attempts.map((attempt) => attempt()));
    if (watch) clearInterval(watch);
    const seconds = (Date.now() - started) / 1000;

    expect(answers).toHaveLength(4 * BUYERS);
    for (const answer of answers) {
      const o = answer.outcome as any;
      if (answer.via === 'rest') {
        expect([201, 409], JSON.stringify(o)).toContain(o.status);
        if (o.status === 409) expect(o.body.detail).toBe('This content was already purchased by this user.');
        expect(o.text).not.toMatch(DB_TEXT);
      } else if ('error' in o) {
        expect(o, JSON.stringify(o)).toEqual({ error: 'odoo.exceptions.ValidationError', message: 'The operation cannot be completed: This content was already purchased by this user.' });
      } else {
        expect(o, JSON.stringify(o)).toHaveProperty('purchaseId');
      }
    }
    const purchases = (await sides.service.query<{ id: number; buyer_id: number }>('SELECT id, buyer_id FROM content_purchases WHERE content_id = $1', [contentId])).rows;
    expect(purchases).toHaveLength(BUYERS);
    expect(new Set(purchases.map((p) => p.buyer_id))).toEqual(new Set(buyers));
    const payments = (await sides.legacy.query(
      `SELECT source_id, payer_id, state FROM payments WHERE source_model = 'hp.content.purchase' AND (source_id, payer_id) IN (SELECT * FROM unnest($1::int4[], $2::int4[]))`,
      [purchases.map((p) => p.id), purchases.map((p) => p.buyer_id)],
    )).rows;
    expect(payments.filter((p) => p.state === 'succeeded')).toHaveLength(BUYERS);
    expect(payments).toHaveLength(BUYERS);
    expect((await sides.service.query('SELECT purchase_count FROM knowledge_contents WHERE id = $1', [contentId])).rows[0].purchase_count).toBe(BUYERS);
    const won = { rest: answers.filter((a) => a.via === 'rest' && (a.outcome as any).status === 201).length, rpc: answers.filter((a) => a.via === 'rpc' && 'purchaseId' in (a.outcome as any)).length };
    expect(won.rest + won.rpc).toBe(BUYERS);
    console.info(`purchase race: 200 attempts in ${seconds.toFixed(1)} s, won over REST ${won.rest}, over RPC ${won.rpc}`);
  }, 180_000);
});
