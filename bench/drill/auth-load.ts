import { authRestClient, expectStatus, issuedTokens, type IssuedTokens } from './auth-rest-client.ts';
import { jsonRpcMember } from './jsonrpc-member.ts';
import { startOpenLoop } from './open-loop.ts';
import { xmlRpcMember } from './xmlrpc-member.ts';

export interface AuthLoadOptions {
  /** The gateway: Odoo RPC and auth's REST API on one port, as `ficus start` serves them. */
  gatewayUrl: string;
  database: string;
  ratePerSecond: number;
  /** Members (member001…) reading their own tokens, permissions and user over XML-RPC. */
  rpcMembers: number;
  /** Demo members signing in over REST, in turn (member001…member240); spreads the per-login budget. */
  restLogins: number;
  /** Sessions signed in before the clock starts, so refreshes run from the first second. */
  initialSessions: number;
  /** One call in this many is a login (each costs Odoo's 600,000 PBKDF2 rounds). */
  loginEvery: number;
  /** Refreshes of a session before it ends (by logout, or every third one by an admin's action_revoke over RPC). */
  refreshesPerSession: number;
  /** A session's next refresh (or its end) is due this long after the previous one. */
  stepPacingMs: number;
}

/** A refresh token the drill was given: it must exist exactly once on the owning side and, in the end, on both. */
export interface IssuedToken {
  tokenId: number;
  hash: string;
  userId: number;
  family: string;
  /** When the call that issued it started (ms since epoch). */
  at: number;
}

export interface AuthLoadReport {
  calls: number;
  reads: number;
  writes: number;
  late: number;
  byChannel: { xmlrpc: number; jsonrpc: number; rest: number };
  byMethod: Record<string, number>;
  failures: { method: string; message: string; at: number }[];
  /** Every call: start and duration (the bench compares the quiet baseline window with the drill). */
  latencies: { at: number; ms: number; write: boolean }[];
  slowest: { method: string; at: number; ms: number }[];
  issued: IssuedToken[];
  /** Every successful refresh: the auth_tokens row presented and the one issued for it. */
  refreshes: { presented: number; issued: number; at: number }[];
  sessions: { started: number; loggedOut: number; revokedOverRpc: number; refusedAfterEnd: number };
  /**
   * Logins that ended: `revoked` must be revoked on both sides (every token of a logout; the one
   * an admin revoked over RPC, which ends its login just as well).
   */
  endedFamilies: { family: string; tokenIds: number[]; revoked: number[] }[];
  /** Logins still open at the end: none of their tokens may be revoked. */
  liveFamilies: { family: string; tokenIds: number[] }[];
}

type Channel = keyof AuthLoadReport['byChannel'];

interface Call {
  method: string;
  channel: Channel;
  write: boolean;
  run(): Promise<void>;
}

interface Session {
  no: number;
  tokens: IssuedTokens;
  tokenIds: number[];
  refreshes: number;
  end: 'logout' | 'revoke';
  /**
   * live → closing (refreshes done: no new verify, the end waits for the ones in flight) → ending
   * (its end call in flight) → ended (the refusals after the end still to check).
   */
  state: 'live' | 'closing' | 'ending' | 'ended';
  /** A refresh or end call in flight: the session's calls that change it run one at a time. */
  busy: boolean;
  verifying: number;
  dueAt: number;
  endedAt: number;
  refusalChecked: boolean;
}

const pad = (n: number) => String(n).padStart(3, '0');
/** After this long, every door refuses an ended login's access token (the bar is 1 s; the kit caches answers 500 ms). */
const REFUSED_EVERYWHERE_AFTER_MS = 1200;

/**
 * Mixed M01 traffic through the gateway, open loop like trade-load.ts (calls start on schedule
 * whatever the answers take; late starts counted). Per twenty calls: seven RPC reads — members'
 * own hp.auth.token rows, permissions and user over XML-RPC, operators' view of every token,
 * permissions with their groups and coaches over JSON-RPC — one admin action_revoke over JSON-RPC
 * on the tokens of a login that ended (a write through the freeze gate), and twelve REST calls of
 * logins: each login (one call in `loginEvery`, demo members in turn) refreshes every
 * `stepPacingMs`, then ends by POST /auth/logout or by an admin's hp.auth.token.action_revoke over
 * RPC, after which its refresh must be refused at once and its access token everywhere within a
 * second; in between, GET /auth/verify of open logins. Every REST call comes from its own client
 * address (X-Forwarded-For). A refusal the drill expects counts as a success; any other answer
 * is a failure.
 */
export async function startAuthLoad(o: AuthLoadOptions) {
  const report: AuthLoadReport = {
    calls: 0, reads: 0, writes: 0, late: 0, byChannel: { xmlrpc: 0, jsonrpc: 0, rest: 0 }, byMethod: {}, failures: [], latencies: [], slowest: [],
    issued: [], refreshes: [], sessions: { started: 0, loggedOut: 0, revokedOverRpc: 0, refusedAfterEnd: 0 }, endedFamilies: [], liveFamilies: [],
  };
  const rest = authRestClient(o.gatewayUrl);
  let addressNo = 0;
  // 198.18.0.0/15 (benchmarking addresses): one per call, so no address spends more than a few of its 120 a minute.
  const nextAddress = () => {
    const n = addressNo++ % 65_536;
    return `198.18.${n >> 8}.${n & 255}`;
  };
  const members = await Promise.all(Array.from({ length: o.rpcMembers }, async (_, i) => {
    const client = xmlRpcMember(o.gatewayUrl, o.database, `member${pad(i + 1)}@hp.example`);
    await client.login();
    return client;
  }));
  const operators = await Promise.all([2, 3, 4, 5].map(async (i) => {
    const client = jsonRpcMember(o.gatewayUrl, o.database, `operator${pad(i)}@hp.example`);
    await client.login();
    return client;
  }));
  const admin = jsonRpcMember(o.gatewayUrl, o.database, 'admin');
  await admin.login();
  const permissionIds = (await admin.exec('hp.permission', 'search', [[]])) as number[];

  const sessions: Session[] = [];
  let sessionNo = 0;
  let loginNo = 0;
  const record = (tokens: IssuedTokens, at: number) => report.issued.push({ tokenId: tokens.tokenId, hash: tokens.hash, userId: tokens.userId, family: tokens.family, at });

  const signIn = async (at: number): Promise<void> => {
    const login = `member${pad((loginNo++ % o.restLogins) + 1)}@hp.example`;
    const tokens = issuedTokens(await rest.login(login, login, nextAddress()), `POST /auth/login ${login}`);
    record(tokens, at);
    const no = sessionNo++;
    report.sessions.started++;
    sessions.push({
      no, tokens, tokenIds: [tokens.tokenId], refreshes: 0, end: no % 3 === 2 ? 'revoke' : 'logout', state: 'live',
      busy: false, verifying: 0, dueAt: Date.now() + o.stepPacingMs, endedAt: 0, refusalChecked: false,
    });
  };
  for (let i = 0; i < o.initialSessions; i++) await signIn(Date.now());

  const refresh = (s: Session): Call => ({
    method: 'POST /auth/refresh', channel: 'rest', write: true,
    async run() {
      const at = Date.now();
      const tokens = issuedTokens(await rest.refresh(s.tokens.refresh, nextAddress()), 'POST /auth/refresh');
      if (tokens.family !== s.tokens.family) throw new Error('POST /auth/refresh: the new token is of another family');
      record(tokens, at);
      report.refreshes.push({ presented: s.tokens.tokenId, issued: tokens.tokenId, at });
      s.tokens = tokens;
      s.tokenIds.push(tokens.tokenId);
      s.refreshes++;
    },
  });
  const endSession = (s: Session): Call =>
    s.end === 'logout'
      ? {
          method: 'POST /auth/logout', channel: 'rest', write: true,
          async run() {
            expectStatus(await rest.logout(s.tokens.refresh, nextAddress()), 204, 'POST /auth/logout');
            report.sessions.loggedOut++;
          },
        }
      : {
          method: 'hp.auth.token.action_revoke (session)', channel: 'jsonrpc', write: true,
          async run() {
            const done = await admin.exec('hp.auth.token', 'action_revoke', [[s.tokens.tokenId]]);
            if (done !== true) throw new Error(`action_revoke answered ${JSON.stringify(done)}`);
            report.sessions.revokedOverRpc++;
          },
        };
  /** An ended login: its refresh token is refused at once (the refusal reads the rows themselves). */
  const refreshRefused = (s: Session): Call => ({
    method: 'POST /auth/refresh (ended: 401)', channel: 'rest', write: false,
    async run() {
      expectStatus(await rest.refresh(s.tokens.refresh, nextAddress()), 401, `POST /auth/refresh after ${s.end}`);
      report.sessions.refusedAfterEnd++;
    },
  });
  /** …and its access token everywhere within a second. */
  const verifyRefused = (s: Session): Call => ({
    method: 'GET /auth/verify (ended: 401)', channel: 'rest', write: false,
    async run() {
      expectStatus(await rest.verify(s.tokens.access, nextAddress()), 401, `GET /auth/verify ${REFUSED_EVERYWHERE_AFTER_MS} ms after ${s.end}`);
      report.sessions.refusedAfterEnd++;
    },
  });
  const verify = (s: Session): Call => ({
    method: 'GET /auth/verify', channel: 'rest', write: false,
    async run() {
      const answer = await rest.verify(s.tokens.access, nextAddress());
      expectStatus(answer, 200, `GET /auth/verify (login ${s.tokens.family}, tokens ${s.tokenIds.join(' ')})`);
      if (answer.body.userId !== s.tokens.userId || answer.body.session?.family !== s.tokens.family) throw new Error(`GET /auth/verify: ${JSON.stringify(answer.body).slice(0, 200)}`);
    },
  });

  /** The next step some login is due for: a refresh, its end, or a refusal to check after its end. */
  const dueStep = (now: number): { session: Session; call: Call } | undefined => {
    for (const s of sessions) {
      if (s.busy || s.dueAt > now) continue;
      if (s.state === 'live' && s.refreshes < o.refreshesPerSession) return { session: s, call: refresh(s) };
      if (s.state === 'live') s.state = 'closing';
      if (s.state === 'closing') {
        if (s.verifying === 0) {
          s.state = 'ending';
          return { session: s, call: endSession(s) };
        }
      } else if (s.state === 'ended') {
        if (!s.refusalChecked) {
          s.refusalChecked = true;
          return { session: s, call: refreshRefused(s) };
        }
        sessions.splice(sessions.indexOf(s), 1);
        return { session: s, call: verifyRefused(s) };
      }
    }
    return undefined;
  };
  let verifyNo = 0;
  const verifyAny = (): Call | undefined => {
    const live = sessions.filter((s) => s.state === 'live');
    if (!live.length) return undefined;
    const s = live[verifyNo++ % live.length]!;
    s.verifying++;
    const call = verify(s);
    return { ...call, run: () => call.run().finally(() => s.verifying--) };
  };
  const advance = (step: { session: Session; call: Call }): Call => {
    const s = step.session;
    s.busy = true;
    return {
      ...step.call,
      run: () =>
        step.call.run().finally(() => {
          s.busy = false;
          if (s.state === 'ending') {
            s.state = 'ended';
            s.endedAt = Date.now();
            s.dueAt = s.endedAt;
            report.endedFamilies.push({ family: s.tokens.family, tokenIds: [...s.tokenIds], revoked: s.end === 'logout' ? [...s.tokenIds] : [s.tokens.tokenId] });
          } else if (s.state === 'ended') s.dueAt = s.endedAt + REFUSED_EVERYWHERE_AFTER_MS;
          else s.dueAt = Date.now() + o.stepPacingMs;
        }),
    };
  };

  let revokeNo = 0;
  const rpcCall = (n: number, slot: number): Call | undefined => {
    const member = members[n % members.length]!;
    const operator = operators[n % operators.length]!;
    switch (slot) {
      case 0: case 1: case 2:
        return { method: 'hp.auth.token.search_read (member)', channel: 'xmlrpc', write: false, run: async () => void (await member.exec('hp.auth.token', 'search_read', [[['user_id', '=', member.uid()]]], { fields: ['scope', 'revoked', 'expires_at', 'last_used_at'], limit: 10 })) };
      case 3:
        return { method: 'hp.auth.token.search_read (operator)', channel: 'jsonrpc', write: false, run: async () => void (await operator.exec('hp.auth.token', 'search_read', [[['scope', '=', 'refresh']]], { fields: ['user_id', 'revoked', 'expires_at'], limit: 20 })) };
      case 4:
        return { method: 'hp.permission.search_read', channel: 'xmlrpc', write: false, run: async () => void (await member.exec('hp.permission', 'search_read', [[]], { fields: ['code', 'name'] })) };
      case 5:
        return { method: 'hp.permission.read', channel: 'jsonrpc', write: false, run: async () => void (await operator.exec('hp.permission', 'read', [permissionIds.slice(0, 10)], { fields: ['code', 'group_ids'] })) };
      case 6:
        return { method: 'res.users.read', channel: 'xmlrpc', write: false, run: async () => void (await member.exec('res.users', 'read', [[member.uid()]], { fields: ['name', 'hp_user_type', 'hp_level'] })) };
      case 7:
        return { method: 'res.users.search_read', channel: 'jsonrpc', write: false, run: async () => void (await operator.exec('res.users', 'search_read', [[['hp_user_type', '=', 'coach']]], { fields: ['login', 'hp_level'], limit: 10 })) };
      case 8: {
        // An admin revoking what is already revoked still writes (Odoo's write): M01's rows through the freeze gate.
        const ended = report.endedFamilies;
        if (!ended.length) return undefined;
        const family = ended[revokeNo++ % ended.length]!;
        return {
          method: 'hp.auth.token.action_revoke', channel: 'jsonrpc', write: true,
          run: async () => {
            const done = await admin.exec('hp.auth.token', 'action_revoke', [family.tokenIds]);
            if (done !== true) throw new Error(`action_revoke answered ${JSON.stringify(done)}`);
          },
        };
      }
      default:
        return undefined;
    }
  };

  const perform = async (call: Call) => {
    const at = Date.now();
    try {
      await call.run();
    } catch (error) {
      report.failures.push({ method: call.method, message: (error as Error).message.slice(0, 300), at });
    } finally {
      const ms = Date.now() - at;
      if (ms > 500) {
        report.slowest.push({ method: call.method, at, ms });
        report.slowest.sort((x, y) => y.ms - x.ms).splice(20);
      }
      report.calls++;
      report.byChannel[call.channel]++;
      report.byMethod[call.method] = (report.byMethod[call.method] ?? 0) + 1;
      report.latencies.push({ at, ms, write: call.write });
      if (call.write) report.writes++;
      else report.reads++;
    }
  };

  const loginCall = (): Call => ({ method: 'POST /auth/login', channel: 'rest', write: true, run: () => signIn(Date.now()) });
  const callNumber = (n: number): Promise<void> => {
    if (n % o.loginEvery === Math.floor(o.loginEvery / 2)) return perform(loginCall());
    const slot = n % 20;
    const rpc = slot <= 8 ? rpcCall(n, slot) : undefined;
    if (rpc) return perform(rpc);
    const due = dueStep(Date.now());
    if (due) return perform(advance(due));
    return perform(verifyAny() ?? rpcCall(n, 4)!);
  };

  const loop = startOpenLoop(o.ratePerSecond, callNumber, () => report.late++);
  return {
    report,
    async stop(): Promise<AuthLoadReport> {
      await loop.stop();
      report.liveFamilies = sessions.filter((s) => s.state === 'live' || s.state === 'closing').map((s) => ({ family: s.tokens.family, tokenIds: [...s.tokenIds] }));
      return report;
    },
  };
}
