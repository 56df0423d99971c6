import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinanceRestStack, type FinanceRestStack } from './finance-rest-stack.ts';

// Users of the legacy database (README): members 6.., coaches 246.., operator 302 (not admin), admin 2.
const MEMBER = 6;
const OTHER = 7;
const COACH = 246;
const OPERATOR = 302;
const ADMIN = 2;

let stack: FinanceRestStack;
let call: FinanceRestStack['call'];
const as = (uid: number) => stack.token(uid);
const svc = () => stack.service.pool;
let keySeq = 0;
const key = (what: string) => `${what}-${Date.now()}-${keySeq++}`;

beforeAll(async () => {
  stack = await startFinanceRestStack({ owner: 'service' });
  call = stack.call;
}, 180_000);
afterAll(async () => stack?.stop());

const count = async (text: string, values: unknown[] = [], pool = svc()) => (await pool.query<{ n: number }>(text, values)).rows[0]!.n;

describe('POST /payments', () => {
  it('needs an Idempotency-Key; creates a pending payment paid by the caller, 201 with a Location that resolves; the same key replays it, another body with it is 422', async () => {
    const body = { sourceModel: 'hp.service.order', sourceId: 3, amount: '199.50', method: 'alipay' };
    const missing = await call('POST', '/payments', as(MEMBER), body);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body.detail).toBe('this endpoint requires an Idempotency-Key header');

    const k = key('pay');
    const before = await count('SELECT count(*)::int AS n FROM payments');
    const created = await call('POST', '/payments', as(MEMBER), body, { 'idempotency-key': k });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ payerId: MEMBER, amount: '199.50', currency: 'CNY', method: 'alipay', state: 'pending', sourceModel: 'hp.service.order', sourceId: 3, paidAt: null });
    expect(created.body.reference).toMatch(/^PAY-SO-[0-9A-F]{16}$/);
    expect(created.headers.get('location')).toBe(`/payments/${created.body.id}`);
    const read = await call('GET', created.headers.get('location')!, as(MEMBER));
    expect(read).toMatchObject({ status: 200, body: created.body });
    const row = (await svc().query('SELECT payer_id, create_uid, state, currency_id, amount::text AS amount FROM payments WHERE id = $1', [created.body.id])).rows[0];
    expect(row).toEqual({ payer_id: MEMBER, create_uid: MEMBER, state: 'pending', currency_id: 6, amount: '199.50' });

    const replay = await call('POST', '/payments', as(MEMBER), body, { 'idempotency-key': k });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(created.body);
    expect(await count('SELECT count(*)::int AS n FROM payments')).toBe(before + 1);

    const reused = await call('POST', '/payments', as(MEMBER), { ...body, amount: '1.00' }, { 'idempotency-key': k });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('https://ficus.dev/problems/idempotency-key-reused');
    expect(await count('SELECT count(*)::int AS n FROM payments')).toBe(before + 1);
  });

  it('a member paying in another member\'s name is refused by hp.payment\'s rule (403, nothing left); an operator may name the payer', async () => {
    const before = await count('SELECT count(*)::int AS n FROM payments');
    const body = { sourceModel: 'hp.mall.order', sourceId: 12, amount: '20', payerId: OTHER };
    const refused = await call('POST', '/payments', as(MEMBER), body, { 'idempotency-key': key('other') });
    expect(refused.status).toBe(403);
    expect(await count('SELECT count(*)::int AS n FROM payments')).toBe(before);
    const operator = await call('POST', '/payments', as(OPERATOR), body, { 'idempotency-key': key('op') });
    expect(operator.status, JSON.stringify(operator.body)).toBe(201);
    expect(operator.body).toMatchObject({ payerId: OTHER, sourceModel: 'hp.mall.order', reference: expect.stringMatching(/^PAY-MO-/) });
    expect((await svc().query('SELECT create_uid FROM payments WHERE id = $1', [operator.body.id])).rows[0].create_uid).toBe(OPERATOR);
  });

  it('refuses what the schema or the data do not allow: 400 for a bad amount or source, 422 for an unknown currency or payer', async () => {
    const post = (body: unknown) => call('POST', '/payments', as(MEMBER), body, { 'idempotency-key': key('bad') });
    const zero = await post({ sourceModel: 'hp.service.order', sourceId: 3, amount: '0' });
    expect(zero.status).toBe(400);
    expect(zero.body.errors.map((e: any) => e.pointer)).toEqual(['#/amount']);
    expect((await post({ sourceModel: 'res.users', sourceId: 3, amount: '5' })).status).toBe(400);
    expect((await post({ sourceModel: 'hp.service.order', sourceId: 3, amount: '5', extra: 1 })).status).toBe(400);
    const currency = await post({ sourceModel: 'hp.service.order', sourceId: 3, amount: '5', currency: 'XYZ' });
    expect(currency).toMatchObject({ status: 422, body: { detail: 'currency XYZ is not an active currency' } });
    const payer = await call('POST', '/payments', as(OPERATOR), { sourceModel: 'hp.service.order', sourceId: 3, amount: '5', payerId: 999999 }, { 'idempotency-key': key('nobody') });
    expect(payer).toMatchObject({ status: 422, body: { detail: 'user 999999 does not exist' } });
    expect((await call('POST', '/payments', null, { sourceModel: 'hp.service.order', sourceId: 3, amount: '5' }, { 'idempotency-key': key('anon') })).status).toBe(401);
  });
});

describe('GET /payments and /payments/{id}', () => {
  it('list exactly the caller\'s payments (operators: all), newest first, filtered and paged', async () => {
    const [{ payer }] = (await svc().query(`SELECT payer_id AS payer FROM payments WHERE payer_id BETWEEN 6 AND 245 GROUP BY payer_id ORDER BY count(*) DESC, payer_id LIMIT 1`)).rows;
    const own = (await svc().query<{ id: number }>('SELECT id FROM payments WHERE payer_id = $1 ORDER BY id DESC', [payer])).rows.map((r) => r.id);
    expect(own.length).toBeGreaterThan(4);
    const ids: number[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await call('GET', `/payments?limit=2&offset=${offset}`, as(payer));
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(own.length);
      ids.push(...page.body.items.map((p: any) => p.id));
      if (page.body.items.length < 2) break;
    }
    expect(ids).toEqual(own);
    const succeeded = await call('GET', '/payments?state=succeeded&source_model=hp.content.purchase&limit=200', as(OPERATOR));
    expect(succeeded.body.total).toBe(await count(`SELECT count(*)::int AS n FROM payments WHERE state = 'succeeded' AND source_model = 'hp.content.purchase'`));
    expect(succeeded.body.items.every((p: any) => p.state === 'succeeded' && p.sourceModel === 'hp.content.purchase')).toBe(true);
    const [one] = (await svc().query<{ source_id: number }>(`SELECT source_id FROM payments WHERE source_model = 'hp.service.order' ORDER BY id LIMIT 1`)).rows;
    const bySource = await call('GET', `/payments?source_model=hp.service.order&source_id=${one!.source_id}`, as(ADMIN));
    expect(bySource.body.items.length).toBeGreaterThan(0);
    expect(bySource.body.items.every((p: any) => p.sourceId === one!.source_id)).toBe(true);
    expect((await call('GET', '/payments?state=paid', as(MEMBER))).status).toBe(400);
  });

  it('another member\'s payment is 404, like an id that does not exist; an operator reads it', async () => {
    const [theirs] = (await svc().query<{ id: number }>('SELECT id FROM payments WHERE payer_id = $1 ORDER BY id LIMIT 1', [OTHER])).rows;
    expect((await call('GET', `/payments/${theirs!.id}`, as(MEMBER))).status).toBe(404);
    expect((await call('GET', '/payments/99999999', as(MEMBER))).status).toBe(404);
    expect((await call('GET', `/payments/${theirs!.id}`, as(OPERATOR))).body.payerId).toBe(OTHER);
    expect((await call('GET', '/payments/abc', as(MEMBER))).status).toBe(400);
  });
});

describe('POST /payments/{id}/refund (hp.payment.action_refund)', () => {
  it('admins refund a succeeded payment once; the wrong state is 409 with the addon\'s text; members and operators, who cannot write payments, 403', async () => {
    const [payment] = (await svc().query<{ id: number; payer_id: number }>(`SELECT id, payer_id FROM payments WHERE state = 'succeeded' ORDER BY id LIMIT 1`)).rows;
    expect((await call('POST', `/payments/${payment!.id}/refund`, as(payment!.payer_id))).status).toBe(403);
    expect((await call('POST', `/payments/${payment!.id}/refund`, as(OPERATOR))).status).toBe(403);
    const refunded = await call('POST', `/payments/${payment!.id}/refund`, as(ADMIN));
    expect(refunded).toMatchObject({ status: 200, body: { id: payment!.id, state: 'refunded' } });
    expect((await svc().query('SELECT state, write_uid FROM payments WHERE id = $1', [payment!.id])).rows[0]).toEqual({ state: 'refunded', write_uid: ADMIN });
    const again = await call('POST', `/payments/${payment!.id}/refund`, as(ADMIN));
    expect(again).toMatchObject({ status: 409, body: { detail: 'Only succeeded payments can be refunded.' } });
    // The state is checked before the write right, as in Python: a member learns the state of their own payment.
    expect((await call('POST', `/payments/${payment!.id}/refund`, as(payment!.payer_id))).status).toBe(409);
    expect((await call('POST', '/payments/99999999/refund', as(ADMIN))).status).toBe(404);
  });
});

describe('points', () => {
  it('GET /points/balance is the last balance_after of the caller\'s ledger; only operators name another user', async () => {
    const last = async (uid: number) => (await svc().query('SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [uid])).rows[0]?.balance_after ?? 0;
    expect(await call('GET', '/points/balance', as(MEMBER))).toMatchObject({ status: 200, body: { userId: MEMBER, balance: await last(MEMBER) } });
    expect((await call('GET', `/points/balance?user_id=${MEMBER}`, as(MEMBER))).status).toBe(200);
    const other = await call('GET', `/points/balance?user_id=${OTHER}`, as(MEMBER));
    expect(other).toMatchObject({ status: 403, body: { detail: 'only operators may read another user\'s points' } });
    expect(await call('GET', `/points/balance?user_id=${OTHER}`, as(OPERATOR))).toMatchObject({ status: 200, body: { userId: OTHER, balance: await last(OTHER) } });
    const none = await svc().query<{ id: number }>('SELECT id FROM res_users u WHERE NOT EXISTS (SELECT 1 FROM points_transactions t WHERE t.user_id = u.id) ORDER BY id LIMIT 1');
    expect((await call('GET', `/points/balance?user_id=${none.rows[0]!.id}`, as(OPERATOR))).body.balance).toBe(0);
  });

  it('GET /points/transactions pages through the caller\'s ledger newest first, each entry once', async () => {
    const expected = (await svc().query('SELECT id, delta, balance_after, reason FROM points_transactions WHERE user_id = $1 ORDER BY id DESC', [MEMBER])).rows;
    expect(expected.length).toBeGreaterThan(3);
    const seen: any[] = [];
    let before: number | null = null;
    do {
      const page: any = await call('GET', `/points/transactions?limit=3${before ? `&before_id=${before}` : ''}`, as(MEMBER));
      expect(page.status).toBe(200);
      expect(page.body.userId).toBe(MEMBER);
      seen.push(...page.body.items);
      before = page.body.nextBeforeId;
    } while (before);
    expect(seen.map((t) => [t.id, t.delta, t.balanceAfter, t.reason])).toEqual(expected.map((t) => [t.id, t.delta, t.balance_after, t.reason]));
    expect(seen.every((t) => t.userId === MEMBER)).toBe(true);
    expect((await call('GET', `/points/transactions?user_id=${OTHER}`, as(MEMBER))).status).toBe(403);
    expect((await call('GET', `/points/transactions?user_id=${OTHER}&limit=1`, as(OPERATOR))).body.items[0].userId).toBe(OTHER);
  });
});

describe('gifts', () => {
  it('GET /gifts lists the active catalogue, cheapest first', async () => {
    const expected = (await svc().query('SELECT id FROM gifts WHERE active ORDER BY price_points, name, id')).rows.map((r) => r.id);
    const listed = await call('GET', '/gifts', as(MEMBER));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((g: any) => g.id)).toEqual(expected);
  });

  it('POST /gifts/purchase debits the caller (the sender, always), 201 + Location; a replay debits nothing more', async () => {
    const [gift] = (await svc().query<{ id: number; price_points: number }>('SELECT id, price_points FROM gifts WHERE active ORDER BY price_points LIMIT 1')).rows;
    const [rich] = (await svc().query<{ user_id: number; balance_after: number }>(
      `SELECT DISTINCT ON (user_id) user_id, balance_after FROM points_transactions WHERE user_id BETWEEN 6 AND 245 ORDER BY user_id, id DESC`)).rows
      .filter((r) => r.balance_after >= gift!.price_points * 2).sort((a, b) => b.balance_after - a.balance_after);
    const sender = rich!.user_id;
    const receiver = sender === OTHER ? MEMBER : OTHER;
    const body = { giftId: gift!.id, receiverId: receiver, quantity: 2 };
    expect((await call('POST', '/gifts/purchase', as(sender), body)).status).toBe(400);
    const k = key('gift');
    const sent = await call('POST', '/gifts/purchase', as(sender), body, { 'idempotency-key': k });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ senderId: sender, receiverId: receiver, giftId: gift!.id, quantity: 2, pointsSpent: gift!.price_points * 2, liveStreamId: null });
    expect(sent.headers.get('location')).toBe(`/gift-orders/${sent.body.id}`);
    expect((await call('GET', sent.headers.get('location')!, as(sender))).body).toEqual(sent.body);
    expect((await call('GET', sent.headers.get('location')!, as(receiver))).status).toBe(200);
    const balance = await call('GET', '/points/balance', as(sender));
    expect(balance.body.balance).toBe(rich!.balance_after - gift!.price_points * 2);
    const debit = (await svc().query(`SELECT delta, reason, ref_model, ref_id FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, [sender])).rows[0];
    expect(debit).toEqual({ delta: -gift!.price_points * 2, reason: 'gift', ref_model: 'hp.gift.order', ref_id: sent.body.id });
    const events = (await svc().query(`SELECT type FROM outbox WHERE payload->>'subject' IN ($1, $2) ORDER BY type`, [`hp.gift.order/${sent.body.id}`, `hp.points.transaction/${(await svc().query('SELECT max(id) AS id FROM points_transactions WHERE user_id = $1', [sender])).rows[0].id}`])).rows.map((r) => r.type);
    expect(events).toEqual(['gift_sent', 'points_awarded']);

    const replay = await call('POST', '/gifts/purchase', as(sender), body, { 'idempotency-key': k });
    expect(replay).toMatchObject({ status: 201, body: sent.body });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('GET', '/points/balance', as(sender))).body.balance).toBe(balance.body.balance);
    expect(await count('SELECT count(*)::int AS n FROM gift_orders WHERE sender_id = $1 AND id >= $2', [sender, sent.body.id])).toBe(1);
  });

  it('a gift to oneself and insufficient points are 422 with the addons\' texts and leave nothing; an unknown gift or receiver is 422', async () => {
    const [gift] = (await svc().query<{ id: number; price_points: number }>('SELECT id, price_points FROM gifts WHERE active ORDER BY price_points DESC LIMIT 1')).rows;
    const orders = () => count('SELECT count(*)::int AS n FROM gift_orders');
    const ledger = () => count('SELECT count(*)::int AS n FROM points_transactions');
    const [o0, l0] = [await orders(), await ledger()];
    const self = await call('POST', '/gifts/purchase', as(MEMBER), { giftId: gift!.id, receiverId: MEMBER }, { 'idempotency-key': key('self') });
    expect(self).toMatchObject({ status: 422, body: { detail: 'You cannot send a gift to yourself.' } });
    const balance = (await call('GET', '/points/balance', as(MEMBER))).body.balance as number;
    const quantity = Math.floor(balance / gift!.price_points) + 1;
    const poor = await call('POST', '/gifts/purchase', as(MEMBER), { giftId: gift!.id, receiverId: OTHER, quantity }, { 'idempotency-key': key('poor') });
    expect(poor).toMatchObject({ status: 422, body: { detail: `Insufficient points: user ${MEMBER} has ${balance} points, ${-gift!.price_points * quantity} requested.` } });
    expect((await call('POST', '/gifts/purchase', as(MEMBER), { giftId: 99999, receiverId: OTHER }, { 'idempotency-key': key('nogift') })).status).toBe(422);
    expect((await call('POST', '/gifts/purchase', as(MEMBER), { giftId: gift!.id, receiverId: 999999 }, { 'idempotency-key': key('noone') })).status).toBe(422);
    expect((await call('POST', '/gifts/purchase', as(MEMBER), { giftId: gift!.id, receiverId: OTHER, quantity: 0 }, { 'idempotency-key': key('zero') })).status).toBe(400);
    // The body has no sender: there is no way to name one (the monolith's hole stays closed).
    expect((await call('POST', '/gifts/purchase', as(MEMBER), { giftId: gift!.id, receiverId: OTHER, senderId: OTHER }, { 'idempotency-key': key('sender') })).status).toBe(400);
    expect([await orders(), await ledger()]).toEqual([o0, l0]);
    expect((await call('GET', '/points/balance', as(MEMBER))).body.balance).toBe(balance);
  });

  it('GET /gift-orders lists what the caller sent or received, newest first (operators all); others\' orders are 404', async () => {
    const mine = (await svc().query<{ id: number }>('SELECT id FROM gift_orders WHERE sender_id = $1 OR receiver_id = $1 ORDER BY sent_at DESC NULLS LAST, id DESC', [MEMBER])).rows.map((r) => r.id);
    const listed = await call('GET', '/gift-orders?limit=200', as(MEMBER));
    expect(listed.body).toMatchObject({ total: mine.length });
    expect(listed.body.items.map((g: any) => g.id)).toEqual(mine);
    const sent = await call('GET', '/gift-orders?role=sent&limit=200', as(MEMBER));
    expect(sent.body.items.every((g: any) => g.senderId === MEMBER)).toBe(true);
    const [foreign] = (await svc().query<{ id: number }>('SELECT id FROM gift_orders WHERE sender_id <> $1 AND receiver_id <> $1 ORDER BY id LIMIT 1', [MEMBER])).rows;
    expect((await call('GET', `/gift-orders/${foreign!.id}`, as(MEMBER))).status).toBe(404);
    expect((await call('GET', `/gift-orders/${foreign!.id}`, as(OPERATOR))).status).toBe(200);
    expect((await call('GET', '/gift-orders?limit=1', as(OPERATOR))).body.total).toBe(await count('SELECT count(*)::int AS n FROM gift_orders'));
  });
});

describe('settlements', () => {
  const oracle = async (where: string, values: unknown[]) =>
    (await svc().query(`SELECT to_char(period_start, 'YYYY-MM-DD') AS ps, payee_id, round(sum(gross), 2)::text AS gross, round(sum(fee), 2)::text AS fee,
                               round(sum(gross) - sum(fee), 2)::text AS net, count(*)::int AS n
                          FROM settlements WHERE ${where} GROUP BY period_start, period_end, payee_id ORDER BY period_start DESC, period_end DESC, payee_id`, values)).rows
      .map((r) => [r.ps, r.payee_id, r.gross, r.fee, r.net, r.n]);
  const shape = (rows: any[]) => rows.map((r) => [r.periodStart, r.payeeId, r.gross, r.fee, r.net, r.count]);

  it('GET /settlements/reports sums per period and payee, net = gross − fee; payees see their own, operators all, members nothing', async () => {
    const all = await call('GET', '/settlements/reports', as(OPERATOR));
    expect(all.status).toBe(200);
    expect(shape(all.body.rows)).toEqual(await oracle('TRUE', []));
    for (const row of all.body.rows) expect(Number(row.net)).toBeCloseTo(Number(row.gross) - Number(row.fee), 6);
    expect(all.body.totals).toHaveLength(1);
    expect(all.body.totals[0].count).toBe(await count('SELECT count(*)::int AS n FROM settlements'));
    const own = await call('GET', '/settlements/reports', as(COACH));
    expect(shape(own.body.rows)).toEqual(await oracle('payee_id = $1', [COACH]));
    expect(own.body.rows.length).toBeGreaterThan(0);
    // A coach naming another payee gets nothing of theirs.
    expect((await call('GET', `/settlements/reports?payee=${COACH + 1}`, as(COACH))).body.rows).toEqual([]);
    const member = await call('GET', '/settlements/reports', as(MEMBER));
    expect(member.status).toBe(403);
    const filtered = await call('GET', '/settlements/reports?period_start=2026-10-01&period_end=2026-10-31&state=confirmed', as(OPERATOR));
    expect(shape(filtered.body.rows)).toEqual(await oracle(`period_start >= '2026-10-01' AND period_end <= '2026-10-31' AND state = 'confirmed'`, []));
    expect((await call('GET', '/settlements/reports?period_start=October', as(OPERATOR))).status).toBe(400);
  });

  it('answers RFC 4180 CSV with ?format=csv or an Accept preferring text/csv, quoting what needs it', async () => {
    await svc().query(`UPDATE res_partner SET name = $1 WHERE id = (SELECT partner_id FROM res_users WHERE id = $2)`, ['Lambert, "Marco"', COACH]);
    const viaQuery = await call('GET', '/settlements/reports?format=csv', as(COACH));
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = viaQuery.text.split('\r\n');
    expect(lines[0]).toBe('period_start,period_end,payee_id,payee_name,currency,gross,fee,net,count');
    expect(lines.at(-1)).toBe('');
    const json = await call('GET', '/settlements/reports', as(COACH));
    expect(lines.slice(1, -1)).toEqual(json.body.rows.map((r: any) => `${r.periodStart},${r.periodEnd},${COACH},"Lambert, ""Marco""",CNY,${r.gross},${r.fee},${r.net},${r.count}`));
    const viaAccept = await call('GET', '/settlements/reports', as(COACH), undefined, { accept: 'text/csv, application/json;q=0.5' });
    expect(viaAccept.text).toBe(viaQuery.text);
    expect((await call('GET', '/settlements/reports', as(COACH), undefined, { accept: '*/*' })).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await call('GET', '/settlements/reports?format=json', as(COACH), undefined, { accept: 'text/csv' })).body.rows.length).toBe(json.body.rows.length);
  });

  it('confirm and pay run action_confirm / action_pay for operators, with the addon\'s texts as 409; a payee, who only reads, is 403', async () => {
    const [draft] = (await svc().query<{ id: number; payee_id: number }>(`SELECT id, payee_id FROM settlements WHERE state = 'draft' ORDER BY id LIMIT 1`)).rows;
    expect((await call('POST', `/settlements/${draft!.id}/pay`, as(OPERATOR))).body).toMatchObject({ status: 409, detail: 'Only confirmed settlements can be paid.' });
    expect((await call('POST', `/settlements/${draft!.id}/confirm`, as(draft!.payee_id))).status).toBe(403);
    expect((await call('POST', `/settlements/${draft!.id}/confirm`, as(MEMBER))).status).toBe(403);
    const confirmed = await call('POST', `/settlements/${draft!.id}/confirm`, as(OPERATOR));
    expect(confirmed).toMatchObject({ status: 200, body: { id: draft!.id, state: 'confirmed', payeeId: draft!.payee_id } });
    expect((await call('POST', `/settlements/${draft!.id}/confirm`, as(OPERATOR))).body).toMatchObject({ status: 409, detail: 'Only draft settlements can be confirmed.' });
    const paid = await call('POST', `/settlements/${draft!.id}/pay`, as(OPERATOR));
    expect(paid.body.state).toBe('paid');
    expect((await svc().query('SELECT state, write_uid FROM settlements WHERE id = $1', [draft!.id])).rows[0]).toEqual({ state: 'paid', write_uid: OPERATOR });
    expect((await call('GET', `/settlements/${draft!.id}`, as(draft!.payee_id))).body.state).toBe('paid');
    expect((await call('GET', `/settlements/${draft!.id}`, as(draft!.payee_id === COACH ? COACH + 1 : COACH))).status).toBe(404);
  });
});

describe('before cutover the rows are the monolith\'s', () => {
  it('with M13–M15 owned by legacy, REST reads and writes the monolith\'s tables (and publishes nothing, as Odoo)', async () => {
    await stack.setOwner('legacy');
    try {
      const created = await call('POST', '/payments', as(MEMBER), { sourceModel: 'hp.service.order', sourceId: 5, amount: '42' }, { 'idempotency-key': key('legacy') });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(await count('SELECT count(*)::int AS n FROM payments WHERE reference = $1', [created.body.reference], stack.legacy.pool)).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM payments WHERE reference = $1', [created.body.reference])).toBe(0);
      expect((await call('GET', created.headers.get('location')!, as(MEMBER))).body.reference).toBe(created.body.reference);
      await stack.legacy.pool.query(`INSERT INTO points_transactions (user_id, delta, balance_after, reason) SELECT $1, 5, coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) + 5, 'adjust'`, [MEMBER]);
      const legacyBalance = (await stack.legacy.pool.query('SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [MEMBER])).rows[0].balance_after;
      expect((await call('GET', '/points/balance', as(MEMBER))).body.balance).toBe(legacyBalance);
    } finally {
      await stack.setOwner('service');
    }
  });
});

describe('OpenAPI', () => {
  it('documents every route, the Idempotency-Key where required and the CSV representation of the report', async () => {
    const doc = await call('GET', '/finance/openapi.json', null);
    expect(doc.status).toBe(200);
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'GET /gift-orders', 'GET /gift-orders/{id}', 'GET /gifts', 'GET /payments', 'GET /payments/{id}', 'GET /points/balance', 'GET /points/transactions',
      'GET /settlements/reports', 'GET /settlements/{id}', 'POST /gifts/purchase', 'POST /payments', 'POST /payments/webhook', 'POST /payments/{id}/refund',
      'POST /settlements/{id}/confirm', 'POST /settlements/{id}/pay',
    ]);
    const keyOf = (op: any) => op.parameters.find((p: any) => p.name === 'Idempotency-Key');
    expect(keyOf(doc.body.paths['/payments'].post).required).toBe(true);
    expect(keyOf(doc.body.paths['/gifts/purchase'].post).required).toBe(true);
    expect(Object.keys(doc.body.paths['/settlements/reports'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(doc.body.paths['/payments/webhook'].post.security).toBeUndefined();
  });
});
