import Odoo from 'odoo-await';
import xmlrpc from 'xmlrpc';

export interface FeedLoadOptions {
  gatewayUrl: string;
  database: string;
  /** Members (login = password) driven through plain XML-RPC, plus admin through odoo-await. */
  members: number;
  /** Target calls per second across all workers. */
  ratePerSecond: number;
}

export interface LoadReport {
  calls: number;
  reads: number;
  writes: number;
  failures: { method: string; message: string }[];
  /** Latency of each write call (ms), with its start time, to find the ones held by a freeze. */
  writeLatencies: { at: number; ms: number }[];
  /** Activities created through the gateway, by id (to check none is lost or duplicated). */
  createdActivities: number[];
  /** Calls that started over LATE_MS after their scheduled time (a second's worth were still in flight). */
  late: number;
}

/** A call starting this much after its slot started late (the ticker itself runs every 5 ms). */
const LATE_MS = 100;

type Exec = (model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) => Promise<unknown>;

function xmlRpcClient(url: string, db: string, login: string): { exec: Exec; uid: () => number; login(): Promise<void> } {
  const u = new URL(url);
  const common = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: '/xmlrpc/2/common' });
  const object = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: '/xmlrpc/2/object' });
  const call = (client: xmlrpc.Client, method: string, params: unknown[]) =>
    new Promise<unknown>((resolve, reject) => client.methodCall(method, params, (error, value) => (error ? reject(error) : resolve(value))));
  let uid = 0;
  return {
    async login() {
      uid = Number(await call(common, 'authenticate', [db, login, login, {}]));
      if (!uid) throw new Error(`login ${login} refused`);
    },
    uid: () => uid,
    exec: (model, method, args, kwargs = {}) => call(object, 'execute_kw', [db, uid, login, model, method, args, kwargs]),
  };
}

/**
 * Mixed M19 traffic through the gateway, as real clients send it: members over plain XML-RPC
 * (read their feed, mark an entry seen, post an activity), admin over odoo-await (read
 * activities and recommendations, post). Runs until stopped; every failure is kept.
 *
 * Open loop: calls start on a fixed schedule (`ratePerSecond`), whether or not earlier ones
 * have answered, as independent clients do. A closed loop (each client waits for its answer)
 * would slow down exactly when the gateway does — during a freeze — and hide the wait from
 * the latencies. Calls in flight are capped at one second's worth; a call the cap holds back
 * starts as soon as room frees up, and is counted in `late`.
 */
export async function startFeedLoad(o: FeedLoadOptions): Promise<{ stop(): Promise<LoadReport>; report: LoadReport }> {
  const report: LoadReport = { calls: 0, reads: 0, writes: 0, failures: [], writeLatencies: [], createdActivities: [], late: 0 };
  const members = await Promise.all(
    Array.from({ length: o.members }, async (_, i) => {
      const client = xmlRpcClient(o.gatewayUrl, o.database, `member${String(i + 1).padStart(3, '0')}@hp.example`);
      await client.login();
      const feeds = (await client.exec('hp.user.feed', 'search', [[['user_id', '=', client.uid()]]], { limit: 20 })) as number[];
      return { client, feeds };
    }),
  );
  const u = new URL(o.gatewayUrl);
  const admin = new Odoo({ baseUrl: `${u.protocol}//${u.hostname}`, port: Number(u.port), db: o.database, username: 'admin', password: 'admin' });
  await admin.connect();

  const record = async (write: boolean, method: string, work: () => Promise<unknown>) => {
    const at = Date.now();
    try {
      const value = await work();
      if (method === 'create' && typeof value === 'number') report.createdActivities.push(value);
    } catch (error) {
      report.failures.push({ method, message: (error as Error).message });
    } finally {
      report.calls++;
      if (write) {
        report.writes++;
        report.writeLatencies.push({ at, ms: Date.now() - at });
      } else report.reads++;
    }
  };

  /** Call number n: members take turns, and every (members + 1)th call is admin's. */
  const callNumber = (n: number): Promise<void> => {
    const turn = n % (members.length + 1);
    const round = Math.floor(n / (members.length + 1));
    if (turn === members.length) {
      const pick = round % 4;
      if (pick === 0) return record(true, 'create', () => admin.create('hp.activity', { actor_id: 2, verb: 'liked', summary: `admin ${n}` }));
      if (pick === 1) return record(false, 'read_group', () => admin.execute_kw('hp.recommendation', 'read_group', [[[], ['score:avg'], ['item_model']]]));
      return record(false, 'search_read', () => admin.searchRead('hp.activity', [['verb', '=', 'posted']], ['summary', 'actor_id', 'visibility'], { limit: 5, order: 'id desc' }));
    }
    const { client, feeds } = members[turn]!;
    const pick = (round + turn) % 10;
    if (pick < 6) return record(false, 'search_read', () => client.exec('hp.user.feed', 'search_read', [[['user_id', '=', client.uid()]]], { fields: ['activity_id', 'score', 'seen'], limit: 10 }));
    if (pick < 8 && feeds.length) return record(true, 'action_mark_seen', () => client.exec('hp.user.feed', 'action_mark_seen', [[feeds[round % feeds.length]!]]));
    return record(true, 'create', () => client.exec('hp.activity', 'create', [{ actor_id: client.uid(), verb: 'posted', summary: `load ${n}`, visibility: 'public' }]));
  };

  const maxInFlight = Math.max(20, Math.ceil(o.ratePerSecond));
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  const scheduledAt = (n: number) => startedAt + (n * 1000) / o.ratePerSecond;
  let issued = 0;
  const tick = () => {
    const now = performance.now();
    while (scheduledAt(issued) <= now && inFlight.size < maxInFlight) {
      if (now - scheduledAt(issued) > LATE_MS) report.late++;
      const call = callNumber(issued++).finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
  };
  const timer = setInterval(tick, 5);
  return {
    report,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return report;
    },
  };
}
