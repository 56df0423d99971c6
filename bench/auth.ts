/**
 * What a login costs, and whether a login storm holds up anything else (issue 20, bar 4).
 *
 * 1. Baseline in the same run: the legacy password hash alone (a failing check against
 *    member001's stored pbkdf2-sha512 hash, 600,000 rounds, as res.users stores it) in this
 *    process, 1 and 4 at a time (libuv's pool has 4 threads): the ceiling logins can reach.
 * 2. POST /auth/login with the right password (every member of hp_legacy in turn, each from its
 *    own client address, so the /auth budgets and the cooldown never answer instead), 1, 2, 4
 *    and 8 at a time; CPU ms per login of the server process (its hash threads included) and of
 *    PostgreSQL.
 * 3. A cheap unrelated request, one at a time, measured quiet and then during a storm of 8
 *    concurrent logins: JSON-RPC common.version (the event loop alone) and GET /auth/verify with
 *    a valid token (signature, session check, user and grants from the database). The bar: storm
 *    p99 within 2× quiet p99, i.e. hashing never holds the event loop. The server's own
 *    event-loop delay is read over each phase too.
 *
 * Gateway + auth run in their own process (bench/support/auth-platform-process.ts) over private
 * copies in the bench cluster, dropped at the end. Load average is printed: the machine is shared.
 * Run: npx tsx bench/auth.ts [--seconds N]   (N per phase, default 5; ends with one JSON line)
 */
import os from 'node:os';
import { Pool } from 'undici';
import { verifyOdooPassword } from '../odoo-bridge/auth/odoo-password.ts';
import { parsePbkdf2Sha512 } from '../odoo-bridge/auth/passlib-pbkdf2.ts';
import { startAuthBenchStack, type AuthBenchStack, type LoopDelay } from './support/auth-bench-stack.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { cpuProbe, processCpuMs } from './support/cpu-time.ts';
import { measure, printTable, round, secondsArgument, type Figures } from './support/measure.ts';
import { cpuMsOfProcessTree } from './support/process-tree-cpu.ts';

const seconds = secondsArgument(5);
const LOGIN_CONCURRENCY = [1, 2, 4, 8] as const;
const STORM_CONCURRENCY = 8;
/** hp_legacy: member001 … member240 (uids 6 … 245), password = login. */
const MEMBERS = 240;
const member = (n: number) => `member${String(1 + (n % MEMBERS)).padStart(3, '0')}@hp.example`;
const load = () => os.loadavg().map((l) => round(l, 2));

const loadAtStart = load();
const bench = await startBenchCluster();
let stack: AuthBenchStack | undefined;
const pools: Pool[] = [];
try {
  stack = await startAuthBenchStack(bench);
  const server = stack;
  // Separate connection pools: a probe must never wait for a connection a login holds.
  const loginHttp = new Pool(server.url, { connections: STORM_CONCURRENCY, pipelining: 1 });
  const probeHttp = new Pool(server.url, { connections: 1, pipelining: 1 });
  pools.push(loginHttp, probeHttp);

  let attempt = 0;
  /** One successful login: a member not tried for the last 239 logins, from an address never used. */
  const login = async () => {
    const n = attempt++;
    const who = member(n);
    const { statusCode, body } = await loginHttp.request({
      path: '/auth/login',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
      body: JSON.stringify({ login: who, password: who }),
    });
    const text = await body.text();
    if (statusCode !== 200 || !text.includes('"access_token"')) throw new Error(`login of ${who} answered ${statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { access_token: string };
  };

  const { access_token: token } = await login();
  const versionBody = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'common', method: 'version', args: [] } });
  const version = async () => {
    const { statusCode, body } = await probeHttp.request({ path: '/jsonrpc', method: 'POST', headers: { 'content-type': 'application/json' }, body: versionBody });
    const text = await body.text();
    if (statusCode !== 200 || !text.includes('"server_version"')) throw new Error(`common.version answered ${statusCode}: ${text.slice(0, 300)}`);
  };
  const verify = async () => {
    const { statusCode, body } = await probeHttp.request({ path: '/auth/verify', method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const text = await body.text();
    if (statusCode !== 200 || !text.includes('"permissionCodes"')) throw new Error(`/auth/verify answered ${statusCode}: ${text.slice(0, 300)}`);
  };

  // 1. The hash alone, in this process, while the server is idle.
  const { rows } = await bench.legacyPool.query<{ password: string }>(`SELECT password FROM res_users WHERE login = $1`, [member(0)]);
  const storedHash = rows[0]!.password;
  const rounds = parsePbkdf2Sha512(storedHash)?.rounds;
  if (!rounds) throw new Error(`member001's password is not a pbkdf2-sha512 hash: ${storedHash.slice(0, 20)}…`);
  const failingCheck = async () => {
    if (await verifyOdooPassword('not-the-password', storedHash)) throw new Error('a wrong password verified');
  };
  const hashCpu = { c1: {} as Record<string, number>, c4: {} as Record<string, number> };
  const self = { bench: () => processCpuMs(process.pid) };
  const hash1 = await measure(failingCheck, { seconds, concurrency: 1, onMeasured: cpuProbe(self, hashCpu.c1) });
  const hash4 = await measure(failingCheck, { seconds, concurrency: 4, onMeasured: cpuProbe(self, hashCpu.c4) });

  // 2. Logins over HTTP.
  const parties = { server: () => processCpuMs(server.serverPid), postgres: () => cpuMsOfProcessTree(server.postmasterPid), bench: () => processCpuMs(process.pid) };
  const loginRows: { concurrency: number; figures: Figures; cpu: Record<string, number> }[] = [];
  for (const concurrency of LOGIN_CONCURRENCY) {
    const cpu: Record<string, number> = {};
    loginRows.push({ concurrency, figures: await measure(login, { seconds, concurrency, onMeasured: cpuProbe(parties, cpu) }), cpu });
  }

  // 3. The cheap requests, quiet and then during a login storm.
  const probe = async (call: () => Promise<void>): Promise<{ figures: Figures; loop: LoopDelay }> => {
    await server.eventLoop.reset();
    const figures = await measure(call, { seconds, concurrency: 1 });
    return { figures, loop: await server.eventLoop.read() };
  };
  const quietVersion = await probe(version);
  const quietVerify = await probe(verify);

  let storming = true;
  let stormLogins = 0;
  let stormFailure: unknown;
  const storm = Array.from({ length: STORM_CONCURRENCY }, async () => {
    while (storming) {
      await login();
      stormLogins += 1;
    }
  }).map((loop) => loop.catch((error: unknown) => {
    // Held until the probes finish: a rejection nobody awaits yet would end the process untidily.
    stormFailure ??= error;
    storming = false;
  }));
  await new Promise((resolve) => setTimeout(resolve, 1000)); // every hash thread busy before measuring
  const stormStarted = performance.now();
  const stormCountAtStart = stormLogins;
  const stormVersion = await probe(version);
  const stormVerify = await probe(verify);
  const loadInStorm = load();
  const stormLoginsPerSecond = (stormLogins - stormCountAtStart) / ((performance.now() - stormStarted) / 1000);
  storming = false;
  await Promise.all(storm);
  if (stormFailure) throw stormFailure;
  const loadAtEnd = load();

  const cpuNote = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([, ms]) => ms > 0)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
      .join(', ');
  const hashCeiling = hash4.perSecond;
  printTable(`legacy password hash (pbkdf2-sha512, ${rounds} rounds) and POST /auth/login, ${seconds} s each; ${os.cpus().length} cores`, [
    { name: 'hash alone, in-process, 1 at a time', figures: hash1, note: `baseline; ${hash1.perSecond.toFixed(2)}/s; CPU ms/hash: ${cpuNote(hashCpu.c1)}` },
    { name: 'hash alone, in-process, 4 at a time', figures: hash4, note: `ceiling for logins; ${hash4.perSecond.toFixed(2)}/s; CPU ms/hash: ${cpuNote(hashCpu.c4)}` },
    ...loginRows.map(({ concurrency, figures, cpu }) => ({
      name: `POST /auth/login, ${concurrency} at a time`,
      figures,
      note: `${figures.perSecond.toFixed(2)}/s, ${round((100 * figures.perSecond) / hashCeiling, 0)}% of the hash ceiling; CPU ms/login: ${cpuNote(cpu)}`,
    })),
  ]);
  const ratio = (storm: Figures, quiet: Figures) => storm.p99Ms / quiet.p99Ms;
  const loopNote = (loop: LoopDelay) => `server event-loop delay p99 ${loop.p99Ms} ms, max ${loop.maxMs} ms`;
  printTable(`cheap requests, 1 at a time, ${seconds} s each: quiet, then during a storm of ${STORM_CONCURRENCY} concurrent logins (${round(stormLoginsPerSecond, 2)} logins/s)`, [
    { name: 'JSON-RPC common.version, quiet', figures: quietVersion.figures, note: loopNote(quietVersion.loop) },
    { name: 'JSON-RPC common.version, storm', figures: stormVersion.figures, note: `p99 ${round(ratio(stormVersion.figures, quietVersion.figures), 2)}× quiet; ${loopNote(stormVersion.loop)}` },
    { name: 'GET /auth/verify, quiet', figures: quietVerify.figures, note: loopNote(quietVerify.loop) },
    { name: 'GET /auth/verify, storm', figures: stormVerify.figures, note: `p99 ${round(ratio(stormVerify.figures, quietVerify.figures), 2)}× quiet; ${loopNote(stormVerify.loop)}` },
  ]);
  console.log(`\nload average (1, 5, 15 min): start ${loadAtStart.join(' ')}, in the storm ${loadInStorm.join(' ')}, end ${loadAtEnd.join(' ')}`);

  const versionRatio = ratio(stormVersion.figures, quietVersion.figures);
  const verifyRatio = ratio(stormVerify.figures, quietVerify.figures);
  const ok = versionRatio <= 2 && verifyRatio <= 2;
  console.log(
    JSON.stringify({
      bench: 'auth',
      cores: os.cpus().length,
      hash_rounds: rounds,
      hash_per_s_c1: round(hash1.perSecond, 2),
      hash_per_s_c4: round(hash4.perSecond, 2),
      hash_ms_c1: round(hash1.p50Ms, 0),
      hash_cpu_ms: round(hashCpu.c1.bench ?? 0, 0),
      logins_per_s: Object.fromEntries(loginRows.map(({ concurrency, figures }) => [`c${concurrency}`, round(figures.perSecond, 2)])),
      login_p50_ms: Object.fromEntries(loginRows.map(({ concurrency, figures }) => [`c${concurrency}`, round(figures.p50Ms, 0)])),
      login_p99_ms: Object.fromEntries(loginRows.map(({ concurrency, figures }) => [`c${concurrency}`, round(figures.p99Ms, 0)])),
      login_cpu_ms_server: Object.fromEntries(loginRows.map(({ concurrency, cpu }) => [`c${concurrency}`, round(cpu.server ?? 0, 0)])),
      login_cpu_ms_postgres: Object.fromEntries(loginRows.map(({ concurrency, cpu }) => [`c${concurrency}`, round(cpu.postgres ?? 0, 1)])),
      storm_concurrency: STORM_CONCURRENCY,
      storm_logins_per_s: round(stormLoginsPerSecond, 2),
      version_quiet_p99_ms: round(quietVersion.figures.p99Ms, 2),
      version_storm_p99_ms: round(stormVersion.figures.p99Ms, 2),
      version_storm_over_quiet: round(versionRatio, 2),
      verify_quiet_p99_ms: round(quietVerify.figures.p99Ms, 2),
      verify_storm_p99_ms: round(stormVerify.figures.p99Ms, 2),
      verify_storm_over_quiet: round(verifyRatio, 2),
      event_loop_p99_ms: { quiet: quietVersion.loop.p99Ms, storm: Math.max(stormVersion.loop.p99Ms, stormVerify.loop.p99Ms) },
      event_loop_max_ms: { quiet: Math.max(quietVersion.loop.maxMs, quietVerify.loop.maxMs), storm: Math.max(stormVersion.loop.maxMs, stormVerify.loop.maxMs) },
      load_avg: { start: loadAtStart, storm: loadInStorm, end: loadAtEnd },
      ok,
    }),
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const pool of pools) await pool.close();
  await stack?.stop();
  await bench.stop();
}
