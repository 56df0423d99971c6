import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinanceRestStack, type FinanceRestStack } from './finance-rest-stack.ts';

/**
 * SERVICES.md §6 over finance's REST API: whatever GET route and id a member asks for, the
 * answer holds only their own payments, points and gift orders (sent or received), and a coach
 * or merchant only their own settlements; everything else is 404 (ids) or 403 (naming another
 * user). And their own rows are always there: a route that hid everything would fail too.
 */
let stack: FinanceRestStack;
const svc = () => stack.service.pool;

interface Facts {
  payments: { id: number; payer: number }[];
  giftOrders: { id: number; sender: number; receiver: number }[];
  settlements: { id: number; payee: number }[];
  members: number[];
  payees: number[];
}
let facts: Facts;
const tokens = new Map<number, string>();
const as = (uid: number) => tokens.get(uid) ?? tokens.set(uid, stack.token(uid)).get(uid)!;

beforeAll(async () => {
  stack = await startFinanceRestStack({ owner: 'service' });
  const q = async <T>(text: string) => (await svc().query(text)).rows as T[];
  facts = {
    payments: await q('SELECT id, payer_id AS payer FROM payments ORDER BY id'),
    giftOrders: await q('SELECT id, sender_id AS sender, receiver_id AS receiver FROM gift_orders ORDER BY id'),
    settlements: await q('SELECT id, payee_id AS payee FROM settlements ORDER BY id'),
    // Members with some of each kind of row, so that their own rows are often asked for.
    members: (await q<{ id: number }>(`SELECT u.id FROM res_users u WHERE u.id BETWEEN 6 AND 245
      AND EXISTS (SELECT 1 FROM payments p WHERE p.payer_id = u.id) AND EXISTS (SELECT 1 FROM gift_orders g WHERE u.id IN (g.sender_id, g.receiver_id)) ORDER BY u.id LIMIT 40`)).map((r) => r.id),
    // Coaches (246–285) and merchants (286–300) with settlements.
    payees: (await q<{ id: number }>('SELECT DISTINCT payee_id AS id FROM settlements ORDER BY payee_id')).map((r) => r.id),
  };
}, 180_000);
afterAll(async () => stack?.stop());

type Probe =
  | { kind: 'payment'; uid: number; id: number }
  | { kind: 'payments'; uid: number; payer: number | undefined; offset: number }
  | { kind: 'balance'; uid: number; user: number | undefined }
  | { kind: 'ledger'; uid: number; user: number | undefined }
  | { kind: 'gift-order'; uid: number; id: number }
  | { kind: 'gift-orders'; uid: number; role: 'sent' | 'received' | undefined; offset: number }
  | { kind: 'settlement'; uid: number; id: number }
  | { kind: 'report'; uid: number; payee: number | undefined; format: 'json' | 'csv' };

async function check(probe: Probe): Promise<void> {
  const { uid } = probe;
  const get = (path: string) => stack.call('GET', path, as(uid));
  switch (probe.kind) {
    case 'payment': {
      const answer = await get(`/payments/${probe.id}`);
      const owner = facts.payments.find((p) => p.id === probe.id)?.payer;
      expect(answer.status).toBe(owner === uid ? 200 : 404);
      if (answer.status === 200) expect(answer.body.payerId).toBe(uid);
      return;
    }
    case 'payments': {
      const answer = await get(`/payments?limit=50&offset=${probe.offset}${probe.payer ? `&payer_id=${probe.payer}` : ''}`);
      expect(answer.status).toBe(200);
      for (const p of answer.body.items) expect(p.payerId).toBe(uid);
      const own = facts.payments.filter((p) => p.payer === uid).length;
      expect(answer.body.total).toBe(probe.payer === undefined || probe.payer === uid ? own : 0);
      return;
    }
    case 'balance':
    case 'ledger': {
      const answer = await get(`/points/${probe.kind === 'balance' ? 'balance' : 'transactions'}${probe.user ? `?user_id=${probe.user}` : ''}`);
      if (probe.user !== undefined && probe.user !== uid) {
        expect(answer.status).toBe(403);
        return;
      }
      expect(answer.status).toBe(200);
      expect(answer.body.userId).toBe(uid);
      for (const t of answer.body.items ?? []) expect(t.userId).toBe(uid);
      return;
    }
    case 'gift-order': {
      const answer = await get(`/gift-orders/${probe.id}`);
      const order = facts.giftOrders.find((g) => g.id === probe.id);
      const mine = order !== undefined && (order.sender === uid || order.receiver === uid);
      expect(answer.status).toBe(mine ? 200 : 404);
      return;
    }
    case 'gift-orders': {
      const answer = await get(`/gift-orders?limit=50&offset=${probe.offset}${probe.role ? `&role=${probe.role}` : ''}`);
      expect(answer.status).toBe(200);
      for (const g of answer.body.items) expect(g.senderId === uid || g.receiverId === uid).toBe(true);
      const own = facts.giftOrders.filter((g) => (probe.role === 'sent' ? g.sender === uid : probe.role === 'received' ? g.receiver === uid : g.sender === uid || g.receiver === uid)).length;
      expect(answer.body.total).toBe(own);
      return;
    }
    case 'settlement': {
      const answer = await get(`/settlements/${probe.id}`);
      const payee = facts.settlements.find((s) => s.id === probe.id)?.payee;
      if (!facts.payees.includes(uid) && uid <= 245) expect(answer.status).toBe(403); // members hold no right on hp.settlement
      else expect(answer.status).toBe(payee === uid ? 200 : 404);
      return;
    }
    case 'report': {
      const answer = await get(`/settlements/reports?format=${probe.format}${probe.payee ? `&payee=${probe.payee}` : ''}`);
      if (uid <= 245) {
        expect(answer.status).toBe(403);
        return;
      }
      expect(answer.status).toBe(200);
      const payees = probe.format === 'json'
        ? answer.body.rows.map((r: any) => r.payeeId)
        : answer.text.split('\r\n').slice(1, -1).map((line) => Number(line.split(',')[2]));
      for (const payee of payees) expect(payee).toBe(uid);
      const own = facts.settlements.filter((s) => s.payee === uid).length;
      const counted = probe.format === 'json' ? answer.body.rows.reduce((n: number, r: any) => n + r.count, 0) : undefined;
      if (counted !== undefined) expect(counted).toBe(probe.payee === undefined || probe.payee === uid ? own : 0);
      return;
    }
  }
}

describe('a member never sees another member\'s payments, points or gift orders; a payee never another\'s settlements', () => {
  it('holds for random GET routes, callers and ids (own ids included)', async () => {
    const member = () => fc.constantFrom(...facts.members);
    const payee = () => fc.constantFrom(...facts.payees);
    const anyUser = fc.oneof(member(), payee(), fc.integer({ min: 1, max: 400 }));
    const paymentId = (uid: fc.Arbitrary<number>) => uid.chain((u) => fc.oneof(
      fc.constantFrom(...facts.payments.filter((p) => p.payer === u).map((p) => p.id), 99_999_999),
      fc.constantFrom(...facts.payments.map((p) => p.id)),
    ).map((id) => ({ uid: u, id })));
    const giftOrderId = (uid: fc.Arbitrary<number>) => uid.chain((u) => fc.oneof(
      fc.constantFrom(...facts.giftOrders.filter((g) => g.sender === u || g.receiver === u).map((g) => g.id), 99_999_999),
      fc.constantFrom(...facts.giftOrders.map((g) => g.id)),
    ).map((id) => ({ uid: u, id })));
    const settlementId = (uid: fc.Arbitrary<number>) => uid.chain((u) => fc.oneof(
      fc.constantFrom(...facts.settlements.filter((s) => s.payee === u).map((s) => s.id), 99_999_999),
      fc.constantFrom(...facts.settlements.map((s) => s.id)),
    ).map((id) => ({ uid: u, id })));
    const probe: fc.Arbitrary<Probe> = fc.oneof(
      paymentId(member()).map((p) => ({ kind: 'payment' as const, ...p })),
      fc.record({ uid: member(), payer: fc.option(anyUser, { nil: undefined }), offset: fc.constantFrom(0, 1, 3) }).map((p) => ({ kind: 'payments' as const, ...p })),
      fc.record({ uid: member(), user: fc.option(anyUser, { nil: undefined }) }).map((p) => ({ kind: 'balance' as const, ...p })),
      fc.record({ uid: member(), user: fc.option(anyUser, { nil: undefined }) }).map((p) => ({ kind: 'ledger' as const, ...p })),
      giftOrderId(member()).map((p) => ({ kind: 'gift-order' as const, ...p })),
      fc.record({ uid: member(), role: fc.constantFrom(undefined, 'sent' as const, 'received' as const), offset: fc.constantFrom(0, 2) }).map((p) => ({ kind: 'gift-orders' as const, ...p })),
      settlementId(fc.oneof(payee(), member())).map((p) => ({ kind: 'settlement' as const, ...p })),
      fc.record({ uid: fc.oneof(payee(), member()), payee: fc.option(fc.oneof(payee(), anyUser), { nil: undefined }), format: fc.constantFrom('json' as const, 'csv' as const) }).map((p) => ({ kind: 'report' as const, ...p })),
    );
    await fc.assert(fc.asyncProperty(probe, async (p) => check(p)), { numRuns: 400, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) });
  });
});
