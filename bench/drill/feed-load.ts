import Odoo from 'odoo-await';
import { bearerRest } from './bearer-rest.ts';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember } from './xmlrpc-member.ts';

export interface FeedLoadOptions {
  gatewayUrl: string;
  database: string;
  /** Members (login = password) driven through plain XML-RPC, plus admin through odoo-await. */
  members: number;
  /** Target calls per second across all workers. */
  ratePerSecond: number;
  /**
   * The dynamic service's REST API beside RPC (mounted on the gateway): members read their feed
   * and preferences, mark entries seen and change their preferences, a service (admin's token,
   * scope `service`) records activities with POST /activities. Tokens by uid.
   */
  rest?: { baseUrl: string; tokens: Record<string, string>; serviceUid: number };
}

/** What the REST side of the load did and saw. */
export interface RestLoadReport {
  calls: number;
  byRoute: Record<string, number>;
  /** A feed answer showing another user's private activity (the bar: never). */
  leaks: string[];
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
  rest: RestLoadReport;
}

/**
 * Mixed M19 traffic through the gateway, as real clients send it: members over plain XML-RPC
 * (read their feed, mark an entry seen, post an activity), admin over odoo-await (read
 * activities and recommendations, post), open loop (open-loop.ts). Runs until stopped; every
 * failure is kept.
 */
export async function startFeedLoad(o: FeedLoadOptions): Promise<{ stop(): Promise<LoadReport>; setRestWrites(on: boolean): Promise<void>; report: LoadReport }> {
  const report: LoadReport = { calls: 0, reads: 0, writes: 0, failures: [], writeLatencies: [], createdActivities: [], late: 0, rest: { calls: 0, byRoute: {}, leaks: [] } };
  const rest = o.rest ? bearerRest(o.rest.baseUrl, o.rest.tokens) : undefined;
  let restWrites = true;
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

  /** A REST call: counted by route, and (as every call) failed unless its answer is the documented one. */
  const viaRest = (write: boolean, route: string, work: () => Promise<unknown>) =>
    record(write, `REST ${route}`, async () => {
      report.rest.calls++;
      report.rest.byRoute[route] = (report.rest.byRoute[route] ?? 0) + 1;
      return work();
    });

  /** Every other round of a member's turns goes over REST (when the load has it); writes only while they are on. */
  const restCall = (uid: number, feeds: number[], n: number, pick: number): Promise<void> | undefined => {
    if (!rest) return undefined;
    if (pick < 5) {
      return viaRest(false, 'GET /users/:id/feed', async () => {
        const page = await rest.expect<{ items: { entryId: number; activity: { id: number; actorId: number; visibility: string } }[] }>('GET', `/users/${uid}/feed?limit=10`, uid, [200]);
        for (const item of page.items) {
          if (item.activity.visibility === 'private' && item.activity.actorId !== uid) report.rest.leaks.push(`user ${uid} was shown private activity ${item.activity.id} of user ${item.activity.actorId}`);
        }
      });
    }
    if (pick === 5) return viaRest(false, 'GET /users/:id/preferences', () => rest.expect('GET', `/users/${uid}/preferences`, uid, [200]));
    if (!restWrites) return undefined;
    if (pick === 6) return viaRest(true, 'PUT /users/:id/preferences', () => rest.expect('PUT', `/users/${uid}/preferences`, uid, [200], { verbWeights: { posted: 1 + (n % 3) / 2 }, mutedActorIds: [] }));
    if (pick === 7 && feeds.length) return viaRest(true, 'POST /users/:id/feed/seen', () => rest.expect('POST', `/users/${uid}/feed/seen`, uid, [200], { entryIds: [feeds[n % feeds.length]!] }));
    return undefined;
  };

  /** A service's POST /activities (admin's service token), read back with GET /activities/{id}; the id joins the created ones (lost or doubled is checked on both sides). */
  const restCreate = (n: number): Promise<void> | undefined => {
    if (!rest || !restWrites) return undefined;
    const actorId = members[n % members.length]!.client.uid();
    return viaRest(true, 'POST /activities', async () => {
      const created = await rest.expect<{ id: number; summary: string }>('POST', '/activities', o.rest!.serviceUid, [201], { actorId, verb: 'posted', summary: `rest ${n}`, visibility: 'public', toFollowers: false }, `feed-drill-${n}`);
      report.createdActivities.push(created.id);
      const back = await rest.expect<{ id: number; summary: string }>('GET', `/activities/${created.id}`, actorId, [200]);
      if (back.summary !== `rest ${n}`) throw new Error(`activity ${created.id} read back as ${JSON.stringify(back.summary)}`);
    });
  };

  /** Call number n: members take turns, and every (members + 1)th call is admin's. */
  const callNumber = (n: number): Promise<void> => {
    const turn = n % (members.length + 1);
    const round = Math.floor(n / (members.length + 1));
    if (turn === members.length) {
      if (round % 8 === 7) {
        const created = restCreate(n);
        if (created) return created;
      }
      const pick = round % 4;
      if (pick === 0) return record(true, 'create', () => admin.create('hp.activity', { actor_id: 2, verb: 'liked', summary: `admin ${n}` }));
      if (pick === 1) return record(false, 'read_group', () => admin.execute_kw('hp.recommendation', 'read_group', [[[], ['score:avg'], ['item_model']]]));
      return record(false, 'search_read', () => admin.searchRead('hp.activity', [['verb', '=', 'posted']], ['summary', 'actor_id', 'visibility'], { limit: 5, order: 'id desc' }));
    }
    const { client, feeds } = members[turn]!;
    const pick = (round + turn) % 10;
    if (round % 2 === 1) {
      const viaRestCall = restCall(client.uid(), feeds, n, pick);
      if (viaRestCall) return viaRestCall;
    }
    if (pick < 6) return record(false, 'search_read', () => client.exec('hp.user.feed', 'search_read', [[['user_id', '=', client.uid()]]], { fields: ['activity_id', 'score', 'seen'], limit: 10 }));
    if (pick < 8 && feeds.length) return record(true, 'action_mark_seen', () => client.exec('hp.user.feed', 'action_mark_seen', [[feeds[round % feeds.length]!]]));
    return record(true, 'create', () => client.exec('hp.activity', 'create', [{ actor_id: client.uid(), verb: 'posted', summary: `load ${n}`, visibility: 'public' }]));
  };

  const loop = startOpenLoop(o.ratePerSecond, callNumber, () => report.late++);
  return {
    report,
    async setRestWrites(on: boolean) {
      restWrites = on;
    },
    async stop() {
      await loop.stop();
      return report;
    },
  };
}
