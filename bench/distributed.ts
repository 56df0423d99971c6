// Distributed throughput (issue 29, bar 4): `npx tsx bench/distributed.ts`. The gateway (as `ficus start`
// composes it with FICUS_SERVICE_URLS) routes trade (M04 + M20, cut over) to `ficus serve trade`
// processes; a closed-loop mix of Odoo RPC reads (JSON-RPC execute_kw) and REST reads runs against
// one instance and two, interleaved over rounds. Prints a table, then one JSON line. Bar: two instances ≥ 1.6× one,
// which needs cores for both instances beside the gateway, PostgreSQL and the callers (on 2 shared cores the
// second instance only competes for them).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { isReadMethod } from '../migration/control/call-kinds.ts';
import { MigrationController } from '../migration/control/controller.ts';
import { embeddedEndpoints } from '../migration/control/endpoints.ts';
import { startMigrationRuntime } from '../migration/control/migration-runtime.ts';
import { createGatewayApp } from '../odoo-bridge/gateway.ts';
import { createLoginThrottle, createOdooGateway } from '../odoo-bridge/odoo-gateway.ts';
import { createPostgresSessionStore } from '../odoo-bridge/sessions/postgres-session-store.ts';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';
import { startRemoteServices } from '../runtime/distributed-services.ts';
import { loadBuiltServices } from '../services/catalog.ts';
import { newSigningKeySet, publicJwks } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { jsonRpcMember } from './drill/jsonrpc-member.ts';
import { percentile } from './drill/drill-figures.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';
import { freePort } from './support/free-port.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MEMBERS = 8;
const ROOT = path.resolve(import.meta.dirname, '..');

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'dist', service: 'trade', modules: ['M04', 'M20'] });
const secret = randomBytes(32).toString('hex');
const keys = newSigningKeySet();
const jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(publicJwks(keys))));
await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
const ports = [await freePort(), await freePort()];
const metrics = createMetricsRegistry();
const remote = startRemoteServices({
  config: { instances: new Map([['trade', ports.map((p) => `http://127.0.0.1:${p}`)]]), secret, timeoutMs: 10_000, healthIntervalMs: 250 },
  services: await loadBuiltServices(), isReadMethod, logger, metrics,
});
const legacy = new pg.Pool({ connectionString: drill.legacyUrl, max: 20 });
const control = new pg.Pool({ connectionString: drill.controlUrl, max: 4 });
for (const p of [legacy, control]) p.on('error', () => undefined);
const endpoints = embeddedEndpoints({ controlUrl: drill.controlUrl, legacyUrl: drill.legacyUrl, serviceUrls: { trade: drill.serviceUrl } });
const runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy, logger, metrics, refreshMs: 1000, remoteService: remote.odooCallsOf });
const sessions = await createPostgresSessionStore(control, 3600);
const odoo = await createOdooGateway({ databases: [{ name: 'hp_legacy', pool: legacy }], handlerFor: runtime.handlerFor, router: runtime.router, sessions, maxInactivitySeconds: 3600, throttle: await createLoginThrottle(legacy, { logger }), logger, metrics });
const gateway = await listen(createGatewayApp({ logger, metrics, readiness: [], routers: [...odoo, ...remote.routers] }), 0, '127.0.0.1');
const gatewayUrl = `http://127.0.0.1:${gateway.port}`;

const controller = await MigrationController.open(endpoints);
const force = { force: true, reason: 'bench: trade served apart', actor: 'bench' };
for (const m of ['M04', 'M20']) {
  const b = await controller.backfill(m, { waitMs: 180_000 });
  if (!b.ok) throw new Error(b.message);
}
for (const m of ['M04', 'M20']) await controller.shadow(m, force);
await controller.together('cutover', ['M04', 'M20'], force);
while (['M04', 'M20'].some((m) => runtime.book.get(m).phase !== 'service')) await new Promise((r) => setTimeout(r, 20));

const children: ChildProcess[] = [];
async function startTrade(port: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/ficus.ts'), 'serve', 'trade'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'error', LOG_FORMAT: 'json', FICUS_BUS: 'embedded', FICUS_SERVICE_DB_TRADE: drill.serviceUrl, LEGACY_DATABASE_URL: drill.legacyUrl, FICUS_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`, FICUS_INTERNAL_SECRET: secret, FICUS_SERVICE_PORT: String(port) },
  });
  children.push(child);
  for (const started = Date.now(); Date.now() - started < 120_000; await new Promise((r) => setTimeout(r, 200))) {
    if ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200) return;
  }
  throw new Error(`trade on ${port} did not become ready`);
}

const members = Array.from({ length: MEMBERS }, (_, i) => jsonRpcMember(gatewayUrl, 'hp_legacy', `member${String(i + 1).padStart(3, '0')}@hp.example`));
const tokens = Array.from({ length: MEMBERS }, (_, i) => `Bearer ${issueToken(keys, { userId: 6 + i }, 3600)}`);

/** Closed loop: CONCURRENCY callers, each one call after another, half RPC (search_read, read), half REST (list, one order). */
async function measure(label: string): Promise<{ label: string; calls: number; perSecond: number; rpcPerSecond: number; restPerSecond: number; failed: number; p50: number; p99: number }> {
  const until = Date.now() + SECONDS * 1000;
  const ms: number[] = [];
  let rpc = 0, rest = 0, failed = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let n = 0; Date.now() < until; n++) {
      const i = (w + n) % MEMBERS;
      const started = performance.now();
      try {
        if (n % 2 === 0) {
          const orders = (await members[i]!.exec('hp.service.order', 'search_read', [[['customer_id', '=', 6 + i]]], { fields: ['name', 'state', 'amount'], limit: 10 })) as unknown[];
          if (!Array.isArray(orders)) throw new Error('no list');
          rpc++;
        } else {
          const response = await fetch(`${gatewayUrl}/trade/service-orders?limit=10`, { headers: { authorization: tokens[i]! } });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(String(response.status));
          rest++;
        }
        ms.push(performance.now() - started);
      } catch {
        failed++;
      }
    }
  }));
  return { label, calls: rpc + rest, perSecond: (rpc + rest) / SECONDS, rpcPerSecond: rpc / SECONDS, restPerSecond: rest / SECONDS, failed, p50: Math.round(percentile(ms, 50)), p99: Math.round(percentile(ms, 99)) };
}

await startTrade(ports[0]!);
await startTrade(ports[1]!);
await Promise.all(members.map((m) => m.login()));
while (remote.healthyCounts().trade! < 2) await new Promise((r) => setTimeout(r, 50));
await measure('warm-up');

/**
 * One vs two instances, interleaved (the machine's load from other work shifts over minutes): the
 * second instance is paused (SIGSTOP: it holds no CPU) until the gateway's /readyz check takes it
 * out of rotation, and resumed (SIGCONT) until it is back in. Nothing is in flight at a switch.
 */
async function useInstances(n: 1 | 2): Promise<void> {
  children[1]!.kill(n === 1 ? 'SIGSTOP' : 'SIGCONT');
  while (remote.healthyCounts().trade !== n) await new Promise((r) => setTimeout(r, 50));
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const runs: { one: Awaited<ReturnType<typeof measure>>[]; two: Awaited<ReturnType<typeof measure>>[] } = { one: [], two: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const n of round % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
    await useInstances(n);
    (n === 1 ? runs.one : runs.two).push(await measure(n === 1 ? 'one trade instance' : 'two trade instances'));
  }
}
await useInstances(2);
const total = (list: Awaited<ReturnType<typeof measure>>[], label: string) => ({
  label,
  calls: list.reduce((a, r) => a + r.calls, 0),
  perSecond: list.reduce((a, r) => a + r.perSecond, 0) / list.length,
  rpcPerSecond: list.reduce((a, r) => a + r.rpcPerSecond, 0) / list.length,
  restPerSecond: list.reduce((a, r) => a + r.restPerSecond, 0) / list.length,
  failed: list.reduce((a, r) => a + r.failed, 0),
  p50: Math.max(...list.map((r) => r.p50)),
  p99: Math.max(...list.map((r) => r.p99)),
  rounds: list.map((r) => Math.round(r.perSecond)),
});
const one = total(runs.one, 'one trade instance');
const two = total(runs.two, 'two trade instances');

for (const child of children) child.kill('SIGTERM');
await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
await controller.close();
await gateway.close(1000);
remote.stop();
await runtime.stop();
await sessions.close();
await legacy.end();
await control.end();
jwks.close();
await drill.clean();
await bench.stop();

const ratio = two.perSecond / Math.max(one.perSecond, 1e-9);
const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`\ndistributed throughput (gateway → trade over HTTP; ${CONCURRENCY} callers, ${ROUNDS} interleaved rounds of ${SECONDS} s each; ${os.cpus().length} cores, load ${load})`);
for (const r of [one, two]) console.log(`  ${r.label.padEnd(20)} ${r.perSecond.toFixed(0).padStart(5)}/s (RPC ${r.rpcPerSecond.toFixed(0)}/s, REST ${r.restPerSecond.toFixed(0)}/s; rounds ${r.rounds.join(', ')})  p50 ≤ ${r.p50} ms  p99 ≤ ${r.p99} ms  failed ${r.failed}`);
console.log(`  two / one: ${ratio.toFixed(2)}× (bar ≥ 1.6×)`);
console.log(JSON.stringify({ bench: 'distributed', cores: os.cpus().length, load, concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS, one, two, ratio: Number(ratio.toFixed(2)), ok: ratio >= 1.6 && one.failed + two.failed === 0 }));
process.exit(0);
