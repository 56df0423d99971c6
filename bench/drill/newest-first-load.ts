import { jsonRpcMember } from './jsonrpc-member.ts';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember, type Exec } from './xmlrpc-member.ts';

export interface NewestFirstLoadOptions {
  gatewayUrl: string;
  database: string;
  /** Members (login = password), alternately over XML-RPC and JSON-RPC; admin joins over both. */
  members: number;
  /** Target calls per second across all clients. */
  ratePerSecond: number;
}

export interface NewestFirstLoadReport {
  calls: number;
  reads: number;
  writes: number;
  byProtocol: { xmlrpc: number; jsonrpc: number };
  failures: { method: string; message: string }[];
  /** Every call's latency (ms), reads and writes apart. */
  latencies: { reads: number[]; writes: number[] };
  /** Calls that started over LATE_MS after their scheduled time. */
  late: number;
}

interface Client {
  protocol: 'xmlrpc' | 'jsonrpc';
  admin: boolean;
  exec: Exec;
  uid(): number;
  /** The newest activity ids this client saw, newest first (what a client reads next). */
  newest: number[];
}

const FIELDS = ['summary', 'verb', 'actor_id', 'visibility', 'create_date'];

/**
 * The traffic that made shadow comparison useless in issue 18: clients reading the newest
 * `hp.activity` records (hp.activity's `_order` is `create_date desc, id desc`) while others
 * create and edit them, over XML-RPC and JSON-RPC, open loop (open-loop.ts). 70 % reads
 * (search_read of the newest, a search of ids newest first, a read of the newest ids seen),
 * 30 % writes (creates; admins also edit a recent summary).
 */
export async function startNewestFirstLoad(o: NewestFirstLoadOptions): Promise<{ stop(): Promise<NewestFirstLoadReport>; report: NewestFirstLoadReport }> {
  const report: NewestFirstLoadReport = { calls: 0, reads: 0, writes: 0, byProtocol: { xmlrpc: 0, jsonrpc: 0 }, failures: [], latencies: { reads: [], writes: [] }, late: 0 };
  const logins = [
    { login: 'admin', protocol: 'jsonrpc' as const, admin: true },
    { login: 'admin', protocol: 'xmlrpc' as const, admin: true },
    ...Array.from({ length: o.members }, (_, i) => {
      const login = `member${String(i + 1).padStart(3, '0')}@hp.example`;
      return { login, protocol: i % 2 ? ('jsonrpc' as const) : ('xmlrpc' as const), admin: false };
    }),
  ];
  const clients: Client[] = await Promise.all(
    logins.map(async (l) => {
      // Every drill login's password is the login itself (admin/admin, demo members).
      const member = l.protocol === 'xmlrpc' ? xmlRpcMember(o.gatewayUrl, o.database, l.login) : jsonRpcMember(o.gatewayUrl, o.database, l.login);
      await member.login();
      return { protocol: l.protocol, admin: l.admin, exec: member.exec, uid: member.uid, newest: [] };
    }),
  );

  const record = async (client: Client, write: boolean, method: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await work();
    } catch (error) {
      report.failures.push({ method: `${client.protocol} ${method}`, message: (error as Error).message });
    } finally {
      report.calls++;
      report.byProtocol[client.protocol]++;
      report.latencies[write ? 'writes' : 'reads'].push(performance.now() - started);
      if (write) report.writes++;
      else report.reads++;
    }
  };
  const remember = (client: Client, ids: number[]) => {
    if (ids.length) client.newest = ids.slice(0, 10);
  };

  const callNumber = (n: number): Promise<void> => {
    const client = clients[n % clients.length]!;
    const pick = (Math.floor(n / clients.length) + n) % 10;
    const { exec } = client;
    if (pick <= 3)
      return record(client, false, 'search_read newest', async () =>
        remember(client, ((await exec('hp.activity', 'search_read', [[]], { fields: FIELDS, limit: 10 })) as { id: number }[]).map((r) => r.id)),
      );
    if (pick === 4) return record(client, false, 'search_read posted', () => exec('hp.activity', 'search_read', [[['verb', '=', 'posted']]], { fields: FIELDS, limit: 8, order: 'id desc' }));
    if (pick === 5) return record(client, false, 'search newest', async () => remember(client, (await exec('hp.activity', 'search', [[]], { limit: 10 })) as number[]));
    if (pick === 6 && client.newest.length) return record(client, false, 'read newest', () => exec('hp.activity', 'read', [client.newest.slice(0, 5)], { fields: FIELDS }));
    if (pick === 9 && client.admin && client.newest.length)
      return record(client, true, 'write summary', () => exec('hp.activity', 'write', [[client.newest[0]!], { summary: `edited ${n}` }]));
    return record(client, true, 'create', () => exec('hp.activity', 'create', [{ actor_id: client.uid(), verb: 'posted', summary: `newest ${n}`, visibility: 'public' }]));
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
