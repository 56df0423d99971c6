import Odoo from 'odoo-await';
import { financeRestClient, type FinanceRestClient } from './finance-rest-client.ts';
import { jsonRpcMember } from './jsonrpc-member.ts';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember, type Exec } from './xmlrpc-member.ts';

export interface FinanceLoadOptions {
  gatewayUrl: string;
  /** finance's REST API (in `ficus start` mounted on the gateway; here its own port); REST calls only run when given. */
  restUrl?: string;
  /** Bearer tokens by uid, for the members (REST callers). */
  restTokens?: Record<string, string>;
  database: string;
  /** Members member001… (uid 5 + n): odd ones over plain XML-RPC, even ones over JSON-RPC. */
  members: number;
  ratePerSecond: number;
  /** Makes payment references and idempotency keys unique per run. */
  runTag: string;
}

/** A ledger row the drill was answered with: it must exist exactly once, with this delta, on both sides. */
export interface AcceptedDelta {
  /** hp.points.transaction id (a direct credit or debit); 0 for a gift order's debit, found by its ref. */
  id: number;
  userId: number;
  delta: number;
  /** The hp.gift.order whose create wrote the row (reason gift, ref hp.gift.order/id). */
  giftOrderId?: number;
  via: string;
}

/** A payment the drill created, and the state its last accepted step left it in. */
export interface DrillPayment {
  id: number;
  reference: string;
  payerId: number;
  amount: number;
  state: 'pending' | 'succeeded' | 'failed' | 'refunded';
  /** The hp.service.order it pays (M04, still the monolith's): paid once the payment succeeded. */
  sourceOrderId?: number;
  /** The order was refunded after its payment was (hp.service.order.action_refund). */
  sourceRefunded?: boolean;
  via: string;
}

/** An answer the drill expects to be a refusal (a debit past zero, a gift to oneself): not a failure. */
export interface Refusal {
  method: string;
  userId: number;
  /** What the refusal said the balance was, and the delta asked (overdrafts). */
  balance?: number;
  delta?: number;
  kind: 'overdraft' | 'self-gift';
}

export interface FinanceLoadReport {
  calls: number;
  reads: number;
  writes: number;
  late: number;
  byChannel: { xmlrpc: number; jsonrpc: number; odooAwait: number; rest: number };
  byMethod: Record<string, number>;
  failures: { method: string; message: string; at: number }[];
  writeLatencies: { at: number; ms: number }[];
  /** Latencies by method (ms, in call order), to tell which call is slow. */
  latencyByMethod: Record<string, number[]>;
  slowest: { method: string; at: number; ms: number }[];
  /** Every ledger row a client was told it wrote (credits, debits, gift debits). */
  accepted: AcceptedDelta[];
  refusals: Refusal[];
  payments: DrillPayment[];
  /** Drill users (members) whose ledgers the runner checks. */
  userIds: number[];
}

type Channel = keyof FinanceLoadReport['byChannel'];

interface Call {
  method: string;
  channel: Channel;
  write: boolean;
  run(): Promise<void>;
}

interface MemberClient {
  exec: Exec;
  uid: () => number;
  channel: Channel;
}

const CNY = 6;
const pad = (n: number) => String(n).padStart(3, '0');

/** The addon's refusal of a debit past zero (hp_points: "Insufficient points: user %(user)s has %(balance)s points, %(delta)s requested."). */
const OVERDRAFT = /Insufficient points: user (\d+) has (-?\d+) points, (-?\d+) requested/;
const SELF_GIFT = /You cannot send a gift to yourself/;

async function odooAwait(gatewayUrl: string, db: string, login: string): Promise<Odoo & { uid: number }> {
  const u = new URL(gatewayUrl);
  const odoo = new Odoo({ baseUrl: `${u.protocol}//${u.hostname}`, port: Number(u.port), db, username: login, password: login });
  await odoo.connect();
  return odoo as Odoo & { uid: number };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error));

/**
 * Mixed M13/M14/M15 traffic through the gateway, open loop like trade-load.ts (calls start on
 * schedule whatever the answers take; late starts counted). Per ten calls: three reads — a
 * member's newest ledger rows (XML-RPC), payments and gift orders (JSON-RPC), an operator's view
 * of members' `points_balance` on res.users (computed by the monolith from the ledger, so it
 * crosses the cut) and of the gift catalogue, admin's payments by state (odoo-await), and with
 * REST on GET /points/balance — then a credit and a debit of a member's points by an
 * operator (odoo-await and JSON-RPC; one debit in four deliberately past the balance the drill
 * last saw, which the ledger must refuse), a gift order between members (debits the sender in
 * the same transaction; some beyond the sender's points, a few to oneself), and three or four
 * steps of payment lifecycles: a member creates a pending payment (over XML-RPC or JSON-RPC), a
 * third of them for a service order of its own it created and submitted first (M04, the
 * monolith's), then admin marks it succeeded (which pays the order), failed, or succeeded and
 * later refunded. With REST on, one call in ten starts a REST lifecycle instead: a gift purchase
 * (POST /gifts/purchase, one in three beyond the sender's points), or a payment of a service
 * order over POST /payments (order created and submitted over RPC, the payment marked succeeded
 * by admin over RPC). A refusal the drill expects (an overdraft, a gift to oneself) is an answer,
 * not a
 * failure; any other error is a failure.
 */
export async function startFinanceLoad(o: FinanceLoadOptions) {
  const report: FinanceLoadReport = {
    calls: 0, reads: 0, writes: 0, late: 0, byChannel: { xmlrpc: 0, jsonrpc: 0, odooAwait: 0, rest: 0 }, byMethod: {},
    failures: [], writeLatencies: [], latencyByMethod: {}, slowest: [], accepted: [], refusals: [], payments: [], userIds: [],
  };
  const members: MemberClient[] = await Promise.all(
    Array.from({ length: o.members }, async (_, i) => {
      const login = `member${pad(i + 1)}@hp.example`;
      const client = i % 2 === 0 ? xmlRpcMember(o.gatewayUrl, o.database, login) : jsonRpcMember(o.gatewayUrl, o.database, login);
      await client.login();
      return { exec: client.exec, uid: client.uid, channel: i % 2 === 0 ? 'xmlrpc' : 'jsonrpc' } satisfies MemberClient;
    }),
  );
  report.userIds = members.map((m) => m.uid());
  const admin = await odooAwait(o.gatewayUrl, o.database, 'admin');
  const operator = await odooAwait(o.gatewayUrl, o.database, 'operator002@hp.example');
  const operatorJson = jsonRpcMember(o.gatewayUrl, o.database, 'operator002@hp.example');
  await operatorJson.login();
  const gifts = (await admin.searchRead('hp.gift', [['active', '=', true]], ['price_points'], { order: 'price_points' })) as { id: number; price_points: number }[];
  const services = (await admin.searchRead('hp.health.service', [['active', '=', true], ['price', '>', 0]], ['price'], { limit: 10, order: 'id' })) as { id: number; price: number }[];
  if (!gifts.length || !services.length) throw new Error('no active gift or health service in the legacy database');
  const rest: FinanceRestClient | undefined = o.restUrl ? financeRestClient(o.restUrl, o.restTokens ?? {}) : undefined;

  // What the drill last learnt of each member's balance (answers and refusals): it sizes overdrafts.
  const balance = new Map<number, number>();
  for (const row of (await operator.read('res.users', report.userIds, ['points_balance'])) as { id: number; points_balance: number }[]) balance.set(row.id, row.points_balance);
  const seen = (uid: number, delta: number) => balance.set(uid, (balance.get(uid) ?? 0) + delta);

  /** A refusal the drill expects, recorded; anything else is thrown on to count as a failure. */
  const expectRefusal = (error: unknown, method: string, userId: number, kinds: readonly Refusal['kind'][]): void => {
    const message = messageOf(error);
    const overdraft = OVERDRAFT.exec(message);
    if (overdraft && kinds.includes('overdraft')) {
      const [has, asked] = [Number(overdraft[2]), Number(overdraft[3])];
      report.refusals.push({ method, userId: Number(overdraft[1]), balance: has, delta: asked, kind: 'overdraft' });
      balance.set(userId, has);
      return;
    }
    if (SELF_GIFT.test(message) && kinds.includes('self-gift')) {
      report.refusals.push({ method, userId, kind: 'self-gift' });
      return;
    }
    throw error;
  };

  let n = 0;
  const rand = (max: number) => Math.floor(Math.random() * max);

  const readCall = (k: number): Call => {
    const member = members[k % members.length]!;
    const uid = member.uid();
    switch (k % 6) {
      case 0:
        return { method: 'hp.points.transaction.search_read', channel: member.channel, write: false, run: async () => void (await member.exec('hp.points.transaction', 'search_read', [[['user_id', '=', uid]]], { fields: ['delta', 'balance_after', 'reason'], limit: 5, order: 'id desc' })) };
      case 1:
        return { method: 'hp.payment.search_read', channel: member.channel, write: false, run: async () => void (await member.exec('hp.payment', 'search_read', [[['payer_id', '=', uid]]], { fields: ['reference', 'state', 'amount'], limit: 5, order: 'id desc' })) };
      case 2:
        return { method: 'hp.gift.order.search_read', channel: member.channel, write: false, run: async () => void (await member.exec('hp.gift.order', 'search_read', [[['sender_id', '=', uid]]], { fields: ['gift_id', 'receiver_id', 'points_spent'], limit: 5, order: 'id desc' })) };
      case 3:
        return { method: 'res.users.read points_balance', channel: 'odooAwait', write: false, run: async () => void (await operator.read('res.users', [uid, members[(k + 1) % members.length]!.uid()], ['points_balance'])) };
      case 4:
        if (rest) return { method: 'GET /points/balance', channel: 'rest', write: false, run: async () => void (await rest.balance(uid)) };
        return { method: 'hp.gift.search_read', channel: 'odooAwait', write: false, run: async () => void (await operator.searchRead('hp.gift', [['active', '=', true]], ['name', 'price_points'])) };
      default:
        return { method: 'hp.payment.read_group', channel: 'odooAwait', write: false, run: async () => void (await admin.execute_kw('hp.payment', 'read_group', [[[['payer_id', 'in', report.userIds]], ['amount:sum'], ['state']]])) };
    }
  };

  const credit = (k: number): Call => {
    const uid = members[k % members.length]!.uid();
    const delta = 20 + rand(200);
    return {
      method: 'hp.points.transaction.create credit', channel: 'odooAwait', write: true,
      run: async () => {
        const id = Number(await operator.create('hp.points.transaction', { user_id: uid, delta, reason: 'adjust', ref_model: 'drill', ref_id: k }));
        report.accepted.push({ id, userId: uid, delta, via: 'rpc credit' });
        seen(uid, delta);
      },
    };
  };

  const debit = (k: number): Call => {
    const uid = members[(k * 5 + 3) % members.length]!.uid();
    const known = Math.max(0, balance.get(uid) ?? 0);
    // One debit in four asks for more than the member had when last seen: the ledger refuses it
    // (unless a credit landed meanwhile, which the invariants allow for).
    const delta = k % 4 === 0 ? -(known + 1 + rand(50)) : -Math.max(1, Math.min(known, 1 + rand(40)));
    return {
      method: 'hp.points.transaction.create debit', channel: 'jsonrpc', write: true,
      run: async () => {
        try {
          const id = Number(await operatorJson.exec('hp.points.transaction', 'create', [{ user_id: uid, delta, reason: 'redeem', ref_model: 'drill', ref_id: k }]));
          report.accepted.push({ id, userId: uid, delta, via: 'rpc debit' });
          seen(uid, delta);
        } catch (error) {
          expectRefusal(error, 'hp.points.transaction.create debit', uid, ['overdraft']);
        }
      },
    };
  };

  const giftOrder = (k: number): Call => {
    const sender = members[k % members.length]!;
    const uid = sender.uid();
    // One in twenty to oneself (refused); otherwise the dearest gift the sender can afford, or one in five beyond it.
    const receiver = k % 20 === 0 ? sender : members[(k + 1 + rand(members.length - 1)) % members.length]!;
    const known = balance.get(uid) ?? 0;
    const affordable = gifts.filter((g) => g.price_points <= known);
    const gift = k % 5 === 0 || !affordable.length ? gifts.find((g) => g.price_points > known) ?? gifts[gifts.length - 1]! : affordable[rand(affordable.length)]!;
    return {
      method: 'hp.gift.order.create', channel: sender.channel, write: true,
      run: async () => {
        try {
          const id = Number(await sender.exec('hp.gift.order', 'create', [{ sender_id: uid, receiver_id: receiver.uid(), gift_id: gift.id, quantity: 1 }]));
          report.accepted.push({ id: 0, userId: uid, delta: -gift.price_points, giftOrderId: id, via: `rpc gift (${sender.channel})` });
          seen(uid, -gift.price_points);
        } catch (error) {
          expectRefusal(error, 'hp.gift.order.create', uid, receiver === sender ? ['self-gift', 'overdraft'] : ['overdraft']);
        }
      },
    };
  };

  // Payment lifecycles: one call per slot, whichever step is ready.
  const ready: Call[] = [];
  let paymentNo = 0;
  const paymentLifecycle = (): Call => {
    const k = paymentNo++;
    const member = members[(k * 5) % members.length]!;
    const uid = member.uid();
    const service = services[k % services.length]!;
    const reference = `FDRILL-${o.runTag}-${k}`;
    const payment: DrillPayment = { id: 0, reference, payerId: uid, amount: service.price, state: 'pending', via: `rpc (${member.channel})` };
    const ending = k % 7 === 3 ? 'fail' : k % 5 === 4 ? 'refund' : 'succeed';
    const adminStep = (method: 'action_succeed' | 'action_fail' | 'action_refund', state: DrillPayment['state'], then?: () => void): Call => ({
      method: `hp.payment.${method}`, channel: 'odooAwait', write: true,
      run: async () => {
        await admin.execute_kw('hp.payment', method, [[[payment.id]]]);
        payment.state = state;
        then?.();
      },
    });
    // A refunded payment's service order is refunded too, first (paid → refunded, a back-office
    // step), as in the legacy data: a paid order keeps exactly one succeeded payment, and a drill
    // stopped between the two calls leaves a refunded order with its succeeded payment, which no
    // reconcile rule minds (reconcile/business-rules.ts).
    const refund = () => {
      const refundPayment = adminStep('action_refund', 'refunded');
      if (!payment.sourceOrderId) return void ready.push(refundPayment);
      ready.push({
        method: 'hp.service.order.action_refund', channel: 'odooAwait', write: true,
        run: async () => {
          await admin.execute_kw('hp.service.order', 'action_refund', [[[payment.sourceOrderId]]]);
          payment.sourceRefunded = true;
          ready.push(refundPayment);
        },
      });
    };
    const createPayment: Call = {
      method: 'hp.payment.create', channel: member.channel, write: true,
      run: async () => {
        payment.id = Number(await member.exec('hp.payment', 'create', [{
          reference, payer_id: uid, currency_id: CNY, amount: service.price, method: 'wechat',
          ...(payment.sourceOrderId ? { source_model: 'hp.service.order', source_id: payment.sourceOrderId } : {}),
        }]));
        report.payments.push(payment);
        if (ending === 'fail') ready.push(adminStep('action_fail', 'failed'));
        else ready.push(adminStep('action_succeed', 'succeeded', ending === 'refund' ? refund : undefined));
      },
    };
    if (k % 3 !== 0) return createPayment;
    // A third pay a service order of the member's own: created and submitted (pending_payment) first.
    return {
      method: 'hp.service.order.create', channel: member.channel, write: true,
      run: async () => {
        payment.sourceOrderId = Number(await member.exec('hp.service.order', 'create', [{ customer_id: uid, service_id: service.id, note: `finance drill ${o.runTag} ${k}` }]));
        ready.push({
          method: 'hp.service.order.action_submit', channel: member.channel, write: true,
          run: async () => {
            await member.exec('hp.service.order', 'action_submit', [[payment.sourceOrderId]]);
            ready.push(createPayment);
          },
        });
      },
    };
  };

  let restWrites = false;
  const restInFlight = new Set<Promise<void>>();
  let restNo = 0;
  /**
   * A REST payment: the member orders and submits over RPC (M04 stays the monolith's), pays the
   * order over REST, admin marks the payment succeeded over RPC. Should REST writes be off by the
   * time the REST step's turn comes, the lifecycle stops there (the order stays unpaid, no payment).
   */
  const restPaymentLifecycle = (k: number): Call => {
    const member = members[(k * 11) % members.length]!;
    const uid = member.uid();
    const service = services[k % services.length]!;
    let orderId = 0;
    const payment: DrillPayment = { id: 0, reference: '', payerId: uid, amount: service.price, state: 'pending', via: 'rest' };
    const pay: Call = {
      method: 'POST /payments', channel: 'rest', write: true,
      run: async () => {
        const created = await rest!.createPayment(uid, { sourceModel: 'hp.service.order', sourceId: orderId, amount: service.price.toFixed(2), method: 'card' }, `${o.runTag}-payment-${k}`);
        Object.assign(payment, { id: created.id, reference: created.reference, sourceOrderId: orderId });
        report.payments.push(payment);
        ready.push({
          method: 'hp.payment.action_succeed', channel: 'odooAwait', write: true,
          run: async () => {
            await admin.execute_kw('hp.payment', 'action_succeed', [[[payment.id]]]);
            payment.state = 'succeeded';
          },
        });
      },
    };
    return {
      method: 'hp.service.order.create', channel: member.channel, write: true,
      run: async () => {
        orderId = Number(await member.exec('hp.service.order', 'create', [{ customer_id: uid, service_id: service.id, note: `finance drill ${o.runTag} rest ${k}` }]));
        ready.push({
          method: 'hp.service.order.action_submit', channel: member.channel, write: true,
          run: async () => {
            await member.exec('hp.service.order', 'action_submit', [[orderId]]);
            ready.push(pay);
          },
        });
      },
    };
  };
  const restGift = (k: number): Call => {
    const member = members[(k * 11) % members.length]!;
    const uid = member.uid();
    const receiver = members[(k * 11 + 1) % members.length]!.uid();
    const known = balance.get(uid) ?? 0;
    // One in three beyond what the sender was last seen to have: refused with the addon's words.
    const gift = k % 3 === 1 ? gifts.find((g) => g.price_points > known) ?? gifts[gifts.length - 1]! : gifts.filter((g) => g.price_points <= known).pop() ?? gifts[0]!;
    return {
      method: 'POST /gifts/purchase', channel: 'rest', write: true,
      run: async () => {
        const answer = await rest!.purchaseGift(uid, { receiverId: receiver, giftId: gift.id, quantity: 1 }, `${o.runTag}-gift-${k}`);
        if (answer.refused) {
          report.refusals.push({ method: 'POST /gifts/purchase', userId: uid, kind: 'overdraft', ...(answer.balance !== undefined ? { balance: answer.balance } : {}), delta: -gift.price_points });
          if (answer.balance !== undefined) balance.set(uid, answer.balance);
          return;
        }
        report.accepted.push({ id: 0, userId: uid, delta: -gift.price_points, giftOrderId: answer.id, via: 'rest gift' });
        seen(uid, -gift.price_points);
      },
    };
  };

  const perform = (call: Call): Promise<void> => {
    // REST writes were just turned off: a lifecycle waiting on one stops where it is.
    if (call.channel === 'rest' && call.write && !restWrites) return perform(readCall(n++));
    const done = measure(call);
    if (call.channel === 'rest' && call.write) {
      restInFlight.add(done);
      void done.finally(() => restInFlight.delete(done));
    }
    return done;
  };
  const measure = async (call: Call) => {
    const at = Date.now();
    try {
      await call.run();
    } catch (error) {
      report.failures.push({ method: call.method, message: messageOf(error).slice(0, 300), at });
    } finally {
      const ms = Date.now() - at;
      if (ms > 500) {
        report.slowest.push({ method: call.method, at, ms });
        report.slowest.sort((x, y) => y.ms - x.ms).splice(20);
      }
      report.calls++;
      report.byChannel[call.channel]++;
      report.byMethod[call.method] = (report.byMethod[call.method] ?? 0) + 1;
      (report.latencyByMethod[call.method] ??= []).push(ms);
      if (call.write) {
        report.writes++;
        report.writeLatencies.push({ at, ms });
      } else report.reads++;
    }
  };

  // Each kind of call counts on its own, so every kind reaches every member in turn.
  const counters = { credit: 0, debit: 0, gift: 0 };
  const callNumber = (i: number): Promise<void> => {
    const slot = i % 10;
    if (slot < 3) return perform(readCall(n++));
    if (slot === 3) return perform(credit(counters.credit++));
    if (slot === 4) return perform(debit(counters.debit++));
    if (slot === 5) return perform(giftOrder(counters.gift++));
    if (slot === 9 && restWrites && rest) {
      const k2 = restNo++;
      return perform(k2 % 2 === 0 ? restPaymentLifecycle(k2 >> 1) : restGift(k2 >> 1));
    }
    return perform(ready.shift() ?? paymentLifecycle());
  };

  const loop = startOpenLoop(o.ratePerSecond, callNumber, () => report.late++);
  return {
    report,
    /** REST writes on or off (the drill turns them on for the whole run); off resolves once none is in flight. */
    async setRestWrites(on: boolean): Promise<void> {
      restWrites = on;
      if (!on) await Promise.all(restInFlight);
    },
    async stop(): Promise<FinanceLoadReport> {
      await loop.stop();
      // Lifecycle steps still queued are not calls that failed: the payments stay as their last answer left them.
      return report;
    },
  };
}

