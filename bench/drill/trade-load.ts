import Odoo from 'odoo-await';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember, type Exec } from './xmlrpc-member.ts';

export interface TradeLoadOptions {
  gatewayUrl: string;
  /** trade's REST API (in `ficus start` mounted on the gateway; here its own port). */
  restUrl: string;
  database: string;
  /** Members (login = password) over plain XML-RPC; coaches over odoo-await. */
  members: number;
  coaches: number;
  ratePerSecond: number;
  /** Bearer tokens by uid, for the members and coaches (REST callers). */
  restTokens: Record<string, string>;
  /** Makes payment references unique per run. */
  runTag: string;
}

export interface TradeLoadReport {
  calls: number;
  reads: number;
  writes: number;
  byChannel: { xmlrpc: number; odooAwait: number; rest: number };
  failures: { method: string; message: string }[];
  writeLatencies: { at: number; ms: number }[];
  /** The slowest calls, to tell a held write from a slow one. */
  slowest: { method: string; at: number; ms: number }[];
  /** Every service order created through the gateway or REST, by id (none may be lost or doubled). */
  createdOrders: number[];
  lifecycles: { started: number; completed: number; rest: number };
  grabs: { won: number; lost: number };
  late: number;
}

const CNY = 6;

type Channel = keyof TradeLoadReport['byChannel'];

async function odooAwait(gatewayUrl: string, db: string, login: string): Promise<Odoo & { uid: number }> {
  const u = new URL(gatewayUrl);
  const odoo = new Odoo({ baseUrl: `${u.protocol}//${u.hostname}`, port: Number(u.port), db, username: login, password: login });
  await odoo.connect();
  return odoo as Odoo & { uid: number };
}

const pad = (n: number) => String(n).padStart(3, '0');

/** One step of a lifecycle: a single client call, started when a slot of the schedule is free. */
interface Step {
  write: boolean;
  method: string;
  channel: Channel;
  run(): Promise<unknown>;
  /** What the answer makes ready next. */
  then?(value: unknown): void;
}

/**
 * Mixed M04/M20 traffic through the gateway, as real clients send it, open loop like
 * feed-load.ts (calls start on schedule whatever the answers take; at most a second's worth in
 * flight; late starts counted). Four calls in ten are reads: members' own orders (XML-RPC),
 * admin's orders by state (odoo-await), coaches' grabs (odoo-await), the matching ranking
 * (REST). The other six advance service-order lifecycles, one call per slot, whichever step
 * is ready: a member orders and submits (XML-RPC), admin records the succeeded payment in M13
 * (still the monolith's) and an operator marks the order paid (odoo-await), two coaches grab
 * it at once, admin reads who won, the winner starts and completes it (points are awarded).
 * When REST writes are on, every third new lifecycle and one call in ten start a REST one
 * (create, submit, cancel): trade's REST API writes trade's tables, so the drill turns it on only while trade
 * owns them (see run-trade-drill.ts).
 */
export async function startTradeLoad(o: TradeLoadOptions) {
  const report: TradeLoadReport = {
    calls: 0, reads: 0, writes: 0, byChannel: { xmlrpc: 0, odooAwait: 0, rest: 0 }, failures: [], writeLatencies: [], slowest: [],
    createdOrders: [], lifecycles: { started: 0, completed: 0, rest: 0 }, grabs: { won: 0, lost: 0 }, late: 0,
  };
  const members = await Promise.all(
    Array.from({ length: o.members }, async (_, i) => {
      const client = xmlRpcMember(o.gatewayUrl, o.database, `member${pad(i + 1)}@hp.example`);
      await client.login();
      return client;
    }),
  );
  const coaches = await Promise.all(Array.from({ length: o.coaches }, (_, i) => odooAwait(o.gatewayUrl, o.database, `coach${pad(i + 1)}@hp.example`)));
  const admin = await odooAwait(o.gatewayUrl, o.database, 'admin');
  const operator = await odooAwait(o.gatewayUrl, o.database, 'operator002@hp.example');
  const services = (await admin.searchRead('hp.health.service', [['active', '=', true], ['price', '>', 0]], ['price'], { limit: 20, order: 'id' })) as { id: number; price: number }[];
  if (!services.length) throw new Error('no active health service to order');

  const rest = async (method: string, path: string, uid: number, body?: unknown, expect = 200) => {
    const response = await fetch(`${o.restUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${o.restTokens[String(uid)]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status !== expect) throw new Error(`REST ${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const ready: Step[] = [];
  let restWrites = false;
  const restInFlight = new Set<Promise<void>>();
  let lifecycleNo = 0;

  const xmlrpcLifecycle = () => {
    const n = lifecycleNo++;
    const member = members[n % members.length]!;
    const service = services[n % services.length]!;
    const [a, b] = [coaches[n % coaches.length]!, coaches[(n + 1 + (n % 3)) % coaches.length]!];
    let orderId = 0;
    const grabs: number[] = [];
    const readWinner: Step = {
      write: false, method: 'hp.grab.order.read', channel: 'odooAwait',
      run: () => admin.read('hp.grab.order', grabs, ['state', 'coach_id']),
      then(value) {
        const rows = value as { state: string; coach_id: [number, string] | false }[];
        const won = rows.find((r) => r.state === 'won');
        // A canary read may trail the grabs by the forward sync's lag: ask again.
        if (rows.length < 2 || !won || !won.coach_id) return void ready.push(readWinner);
        report.grabs.won += 1;
        report.grabs.lost += rows.filter((r) => r.state === 'lost').length;
        const winner = won.coach_id[0] === a.uid ? a : b;
        ready.push({
          write: true, method: 'hp.service.order.action_start', channel: 'odooAwait',
          run: () => winner.execute_kw('hp.service.order', 'action_start', [[[orderId]]]),
          then: () => ready.push({
            write: true, method: 'hp.service.order.action_complete', channel: 'odooAwait',
            run: () => winner.execute_kw('hp.service.order', 'action_complete', [[[orderId]]]),
            then: () => void (report.lifecycles.completed += 1),
          }),
        });
      },
    };
    const grab = (coach: Odoo & { uid: number }): Step => ({
      write: true, method: 'hp.grab.order.create', channel: 'odooAwait',
      run: () => coach.create('hp.grab.order', { service_order_id: orderId, coach_id: coach.uid }),
      then(id) {
        grabs.push(Number(id));
        if (grabs.length === 2) ready.push(readWinner);
      },
    });
    return {
      write: true, method: 'hp.service.order.create', channel: 'xmlrpc' as const,
      run: () => member.exec('hp.service.order', 'create', [{ customer_id: member.uid(), service_id: service.id, note: `drill ${o.runTag} ${n}` }]),
      then(id: unknown) {
        orderId = Number(id);
        report.createdOrders.push(orderId);
        ready.push({
          write: true, method: 'hp.service.order.action_submit', channel: 'xmlrpc',
          run: () => member.exec('hp.service.order', 'action_submit', [[orderId]]),
          then: () => ready.push({
            write: true, method: 'hp.payment.create', channel: 'odooAwait',
            run: () => admin.create('hp.payment', {
              reference: `DRILL-${o.runTag}-${orderId}`, payer_id: member.uid(), currency_id: CNY, amount: service.price, method: 'wechat',
              state: 'succeeded', source_model: 'hp.service.order', source_id: orderId, paid_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
            }),
            then: () => ready.push({
              write: true, method: 'hp.service.order.action_mark_paid', channel: 'odooAwait',
              run: () => operator.execute_kw('hp.service.order', 'action_mark_paid', [[[orderId]]]),
              then: () => ready.push(grab(a), grab(b)),
            }),
          }),
        });
      },
    } satisfies Step;
  };

  const restLifecycle = (): Step => {
    const n = lifecycleNo++;
    const uid = 6 + (n % o.members);
    let orderId = 0;
    report.lifecycles.rest += 1;
    return {
      write: true, method: 'POST /trade/service-orders', channel: 'rest',
      run: () => rest('POST', '/trade/service-orders', uid, { serviceId: services[n % services.length]!.id, note: `drill ${o.runTag} rest ${n}` }, 201),
      then(body) {
        orderId = Number((body as { id: number }).id);
        report.createdOrders.push(orderId);
        ready.push({
          write: true, method: 'PUT /trade/orders/{id}/status submit', channel: 'rest',
          run: () => rest('PUT', `/trade/orders/${orderId}/status`, uid, { action: 'submit' }),
          then: () => ready.push({
            write: true, method: 'PUT /trade/orders/{id}/status cancel', channel: 'rest',
            run: () => rest('PUT', `/trade/orders/${orderId}/status`, uid, { action: 'cancel' }),
            then: () => void (report.lifecycles.completed += 1),
          }),
        });
      },
    };
  };

  const readStep = (n: number): Step => {
    const pick = n % 4;
    if (pick === 0) {
      const member = members[n % members.length]!;
      return { write: false, method: 'hp.service.order.search_read', channel: 'xmlrpc', run: () => member.exec('hp.service.order', 'search_read', [[['customer_id', '=', member.uid()]]], { fields: ['name', 'state', 'amount'], limit: 5, order: 'id desc' }) };
    }
    if (pick === 1) return { write: false, method: 'hp.service.order.read_group', channel: 'odooAwait', run: () => admin.execute_kw('hp.service.order', 'read_group', [[[], ['amount:sum'], ['state']]]) };
    const coach = coaches[n % coaches.length]!;
    if (pick === 2) return { write: false, method: 'hp.grab.order.search_read', channel: 'odooAwait', run: () => coach.searchRead('hp.grab.order', [['coach_id', '=', coach.uid]], ['state', 'service_order_id'], { limit: 5, order: 'id desc' }) };
    return { write: false, method: 'GET /trade/matching/available-orders', channel: 'rest', run: () => rest('GET', '/trade/matching/available-orders?limit=10', coach.uid) };
  };

  const perform = async (step: Step) => {
    const at = Date.now();
    try {
      const value = await step.run();
      step.then?.(value);
    } catch (error) {
      report.failures.push({ method: step.method, message: (error as Error).message.slice(0, 300) });
    } finally {
      const ms = Date.now() - at;
      if (ms > 500) {
        report.slowest.push({ method: step.method, at, ms });
        report.slowest.sort((x, y) => y.ms - x.ms).splice(20);
      }
      report.calls++;
      report.byChannel[step.channel]++;
      if (step.write) {
        report.writes++;
        report.writeLatencies.push({ at, ms: Date.now() - at });
      } else report.reads++;
    }
  };

  const callNumber = (n: number): Promise<void> => {
    if (n % 10 < 4) return perform(readStep(n));
    // With REST writes on, one call in ten starts a REST lifecycle even when RPC steps are ready:
    // under a backlog new lifecycles rarely start, and REST would hardly run in a short window.
    const restTurn = restWrites && n % 10 === 9;
    let step = restTurn ? undefined : ready.shift();
    if (!step) {
      report.lifecycles.started += 1;
      step = restTurn || (restWrites && report.lifecycles.started % 3 === 0) ? restLifecycle() : xmlrpcLifecycle();
    }
    if (step.channel === 'rest' && step.write && !restWrites) return perform(readStep(3)); // REST writes were just turned off: that lifecycle stops where it is
    const call = perform(step);
    if (step.channel === 'rest' && step.write) {
      restInFlight.add(call);
      void call.finally(() => restInFlight.delete(call));
    }
    return call;
  };

  const loop = startOpenLoop(o.ratePerSecond, callNumber, () => report.late++);
  return {
    report,
    /** Off: resolves once no REST write is in flight any more. */
    async setRestWrites(on: boolean): Promise<void> {
      restWrites = on;
      if (!on) await Promise.all(restInFlight);
    },
    async stop(): Promise<TradeLoadReport> {
      await loop.stop();
      // A lifecycle the stop caught between recording its succeeded payment and marking the order
      // paid would leave what reconcile's payment-marks-order-paid rule reports (a succeeded
      // payment of a pending_payment order): the paying client finishes that pair before it goes.
      const markPaid = ready.splice(0).filter((step) => step.method === 'hp.service.order.action_mark_paid');
      for (const step of markPaid) await perform({ ...step, then: undefined });
      return report;
    },
  };
}
