import Odoo from 'odoo-await';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember } from './xmlrpc-member.ts';

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

/**
 * Mixed M19 traffic through the gateway, as real clients send it: members over plain XML-RPC
 * (read their feed, mark an entry seen, post an activity), admin over odoo-await (read
 * activities and recommendations, post), open loop (open-loop.ts). Runs until stopped; every
 * failure is kept.
 */
export async function startFeedLoad(o: FeedLoadOptions): Promise<{ stop(): Promise<LoadReport>; report: LoadReport }> {
  const report: LoadReport = { calls: 0, reads: 0, writes: 0, failures: [], writeLatencies: [], createdActivities: [], late: 0 };
  const members = await Promise.all(
    Array.from({ length: o.members }, async (_, i) => {
      const client = xmlRpcMember(o.gatewayUrl, o.database, `member${String(i + 1).padStart(3, '0')}@hp.example`);
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

  const loop = startOpenLoop(o.ratePerSecond, callNumber, () => report.late++);
  return {
    report,
    async stop() {
      await loop.stop();
      return report;
    },
  };
}
