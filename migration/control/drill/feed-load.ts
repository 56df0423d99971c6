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
}

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
 */
export async function startFeedLoad(o: FeedLoadOptions): Promise<{ stop(): Promise<LoadReport>; report: LoadReport }> {
  const report: LoadReport = { calls: 0, reads: 0, writes: 0, failures: [], writeLatencies: [], createdActivities: [] };
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

  let stopped = false;
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
  const workers = members.length + 1;
  const pause = (1000 * workers) / o.ratePerSecond;
  let n = 0;
  const loops = [
    ...members.map(({ client, feeds }, i) =>
      (async () => {
        while (!stopped) {
          const started = Date.now();
          const pick = (n++ + i) % 10;
          if (pick < 6) await record(false, 'search_read', () => client.exec('hp.user.feed', 'search_read', [[['user_id', '=', client.uid()]]], { fields: ['activity_id', 'score', 'seen'], limit: 10 }));
          else if (pick < 8 && feeds.length) await record(true, 'action_mark_seen', () => client.exec('hp.user.feed', 'action_mark_seen', [[feeds[n % feeds.length]!]]));
          else await record(true, 'create', () => client.exec('hp.activity', 'create', [{ actor_id: client.uid(), verb: 'posted', summary: `load ${n}`, visibility: 'public' }]));
          await new Promise((r) => setTimeout(r, Math.max(0, pause - (Date.now() - started))));
        }
      })(),
    ),
    (async () => {
      while (!stopped) {
        const started = Date.now();
        const pick = n++ % 4;
        if (pick === 0) await record(true, 'create', () => admin.create('hp.activity', { actor_id: 2, verb: 'liked', summary: `admin ${n}` }));
        else if (pick === 1) await record(false, 'read_group', () => admin.execute_kw('hp.recommendation', 'read_group', [[[], ['score:avg'], ['item_model']]]));
        else await record(false, 'search_read', () => admin.searchRead('hp.activity', [['verb', '=', 'posted']], ['summary', 'actor_id', 'visibility'], { limit: 5, order: 'id desc' }));
        await new Promise((r) => setTimeout(r, Math.max(0, pause - (Date.now() - started))));
      }
    })(),
  ];
  return {
    report,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return report;
    },
  };
}
