import Odoo from 'odoo-await';
import type pg from 'pg';

export interface GrabRaceResult {
  requests: number;
  rpc: number;
  rest: number;
  won: number;
  lost: number;
  failures: string[];
  ms: number;
}

const COACHES = Array.from({ length: 40 }, (_, i) => ({ uid: 246 + i, login: `coach${String(i + 1).padStart(3, '0')}@hp.example` }));

/** Makes `count` orders paid and unassigned on the service side (trade owns them after cutover). */
export async function preparePaidOrders(service: pg.Pool, count: number): Promise<number[]> {
  const { rows } = await service.query<{ id: number }>(
    `UPDATE service_orders SET state = 'paid', health_worker_id = NULL
      WHERE id IN (SELECT id FROM service_orders WHERE id NOT IN (SELECT service_order_id FROM grab_orders) ORDER BY id LIMIT $1) RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * `perOrder` coaches grab each order at once, every other request over Odoo RPC through the
 * gateway (odoo-await: hp.grab.order create) and the rest over REST (POST /trade/grab-orders).
 */
export async function runGrabRace(o: { gatewayUrl: string; restUrl: string; tokenFor: (uid: number) => string; orders: number[]; perOrder: number }): Promise<GrabRaceResult> {
  const port = Number(new URL(o.gatewayUrl).port);
  const clients = new Map<number, Odoo>();
  await Promise.all(COACHES.map(async (c) => {
    const odoo = new Odoo({ baseUrl: 'http://127.0.0.1', port, db: 'hp_legacy', username: c.login, password: c.login });
    await odoo.connect();
    clients.set(c.uid, odoo);
  }));
  const jobs: (() => Promise<'won' | 'lost'>)[] = [];
  let rpc = 0;
  let rest = 0;
  o.orders.forEach((orderId, i) => {
    for (let k = 0; k < o.perOrder; k += 1) {
      const coach = COACHES[(i + k * 7) % COACHES.length]!.uid;
      if ((i + k) % 2 === 0) {
        rpc += 1;
        jobs.push(async () => {
          const odoo = clients.get(coach)!;
          const id = (await odoo.create('hp.grab.order', { service_order_id: orderId, coach_id: coach })) as number;
          const [grab] = (await odoo.read('hp.grab.order', [id], ['state'])) as { state: 'won' | 'lost' }[];
          return grab!.state;
        });
      } else {
        rest += 1;
        jobs.push(async () => {
          const response = await fetch(`${o.restUrl}/trade/grab-orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${o.tokenFor(coach)}` },
            body: JSON.stringify({ serviceOrderId: orderId }),
          });
          if (response.status !== 201) throw new Error(`REST ${response.status}: ${await response.text()}`);
          return ((await response.json()) as { state: 'won' | 'lost' }).state;
        });
      }
    }
  });
  const started = Date.now();
  const outcomes = await Promise.allSettled(jobs.map((job) => job()));
  const ms = Date.now() - started;
  const failures = outcomes.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason).slice(0, 200));
  const states = outcomes.filter((r): r is PromiseFulfilledResult<'won' | 'lost'> => r.status === 'fulfilled').map((r) => r.value);
  return { requests: jobs.length, rpc, rest, won: states.filter((s) => s === 'won').length, lost: states.filter((s) => s === 'lost').length, failures, ms };
}
