/**
 * Finance's hottest paths (issue 21, bar 4), each against a baseline in the same run.
 *
 * 1. Payments end to end with idempotency: a member's POST /payments with an Idempotency-Key
 *    (a pending hp.payment, its reference drawn by the service), then the provider's signed
 *    POST /payments/webhook `payment.succeeded` for that reference (hp.payment.action_succeed:
 *    succeeded, paid_at, payment_success into the outbox), as one operation. Beside it, the same
 *    POST /payments retried with a key already answered (what a client's retry costs: the stored
 *    answer, no second payment), and GET /points/balance (bearer check, access rights and one
 *    small query: the floor of any REST call of this stack, on this machine at this moment).
 * 2. Ledger writes on one hot user against the same writes spread over 50 users: every write of
 *    a user's ledger takes hp_points' `pg_advisory_xact_lock(14, user)`, so a hot user's writes
 *    queue behind each other. Twice: POST /gifts/purchase (a REST debit of the sender, gift
 *    order, gift_sent event, idempotency record, all in one transaction), and the ledger append
 *    alone (domain/points-ledger.ts `appendLedgerEntries` in its own transaction, as finance's
 *    event handlers award points), 16 at a time.
 *
 * The variants of each part run interleaved in slices (bench/support/interleaved.ts), so a change
 * of load on this shared machine falls on all of them alike. CPU ms per operation are given for
 * this process (the client and the finance service: they share it, as `ficus serve finance`
 * would not) and for PostgreSQL (its postmaster's process tree). At the end the data is checked:
 * every payment the bench created succeeded once per key, no key paid twice, and the ledger rules
 * of `ficus reconcile` (each chain unbroken, each balance the sum of its deltas) hold on every
 * user written. Load average is printed before and after.
 *
 * The finance service runs as `ficus serve finance` does without a monolith beside it (finance
 * owns M13-M15): its router on a real port over its own svc_finance, a copy of the legacy
 * database's reference tables and M13-M15 rows, in the bench's own cluster (FICUS_BENCH_DIR,
 * default /tmp/ficus-bench-finance, port 54393); its databases are dropped at the end.
 * Run: npx tsx bench/finance.ts [--seconds N]   (N seconds per slice, default 3; 3 rounds; ends with one JSON line)
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { copyTableDefinitions } from '../cdc/apply/copy-table-definitions.ts';
import { serviceReferenceTablesIn } from '../migration/control/sync/reference-tables.ts';
import { BUSINESS_RULES } from '../migration/reconcile/business-rules.ts';
import { runBusinessRules } from '../migration/reconcile/rule-runner.ts';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { FINANCE_MIGRATIONS } from '../services/finance/db/migrations.ts';
import { onKysely } from '../services/finance/db/sql-runner.ts';
import type { FinanceDatabase } from '../services/finance/db/tables.ts';
import { appendLedgerEntries } from '../services/finance/domain/points-ledger.ts';
import { webhookSignatureHeader, SIGNATURE_HEADER } from '../services/finance/domain/webhook-signature.ts';
import finance from '../services/finance/index.ts';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../services/kit/runner/service-runtime.ts';
import { cpuMsOfProcessTree } from './support/process-tree-cpu.ts';
import { processCpuMs } from './support/cpu-time.ts';
import { interleave, type InterleavedFigures, type Variant } from './support/interleaved.ts';
import { round, secondsArgument } from './support/measure.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-finance';
const { startBenchCluster } = await import('./support/bench-cluster.ts');

const SLICE_SECONDS = secondsArgument(3);
const ROUNDS = 3;
const CONCURRENCY = 16;
const SPREAD_USERS = 50;
/** hp_legacy: members member001 … member240 are uids 6 … 245. */
const MEMBERS = Array.from({ length: 240 }, (_, i) => 6 + i);
const HOT_USER = MEMBERS[0]!;
const SPREAD = MEMBERS.slice(0, SPREAD_USERS);
const SERVICE_DATABASE = 'finance_bench_svc';
const FINANCE_TABLES = ['payments', 'settlements', 'points_transactions', 'gifts', 'gift_orders'];
const WEBHOOK_SECRET = randomBytes(24).toString('hex');
process.env.FICUS_PAYMENT_WEBHOOK_SECRET = WEBHOOK_SECRET;

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54393));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`);
const dataDirectory = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
const postmasterPid = Number((await readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);

/** svc_finance as a backfill leaves it: finance's migrations, the engine's reference tables and M13-M15's rows. */
async function prepareServiceDatabase(): Promise<void> {
  await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
  await provisionServiceDatabase(serviceUrl, FINANCE_MIGRATIONS);
  const source = await bench.legacyPool.connect();
  const target = new pg.Client({ connectionString: serviceUrl });
  await target.connect();
  try {
    // The engine's reference tables and those finance's models point at, as its reference sync copies them.
    const referenceTables = await serviceReferenceTablesIn(bench.legacyPool, 'finance');
    await copyTableDefinitions(source, target, referenceTables);
    for (const table of [...referenceTables, ...FINANCE_TABLES]) {
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of FINANCE_TABLES) {
      await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [table]);
    }
    await target.query('ANALYZE');
  } finally {
    source.release();
    await target.end();
  }
}

const resources: { close(): Promise<unknown> }[] = [];
let ok = false;
try {
  await prepareServiceDatabase();
  const metrics = new Registry();
  const keys = newSigningKeySet();
  const transport = new EmbeddedTransport(logger, kitMetrics(metrics));
  const runtime = await startServiceRuntime<FinanceDatabase>(finance, {
    databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:finance:'), keys: localKeyLookup(() => keys), logger, metrics,
  });
  await runtime.startPublishing();
  const app = express();
  app.use(runtime.router);
  const server = await listen(app, 0, '127.0.0.1');
  resources.push({ close: () => server.close(1000) }, { close: () => runtime.stop() }, { close: () => transport.close() });
  const http = new Pool(`http://127.0.0.1:${server.port}`, { connections: CONCURRENCY * 2, pipelining: 1 });
  resources.push(http);
  const servicePool = new pg.Pool({ connectionString: serviceUrl, max: CONCURRENCY + 2, application_name: 'finance-bench-ledger' });
  resources.push({ close: () => servicePool.end() });
  const ledgerDb = new Kysely<FinanceDatabase>({ dialect: new PostgresDialect({ pool: servicePool }) });

  const tokens = new Map(MEMBERS.map((uid) => [uid, issueToken(keys, { userId: uid }, 7200)]));
  const call = async (method: 'GET' | 'POST', url: string, uid: number | null, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const answer = await http.request({
      path: url, method,
      headers: { ...(uid ? { authorization: `Bearer ${tokens.get(uid)}` } : {}), ...(text ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(text ? { body: text } : {}),
    });
    const reply = await answer.body.text();
    return { status: answer.statusCode, body: reply ? (JSON.parse(reply) as Record<string, unknown>) : {} };
  };
  const expectStatus = (what: string, answer: { status: number; body: unknown }, status: number) => {
    if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  };
  const cpu = () => ({ node: processCpuMs(process.pid), postgres: cpuMsOfProcessTree(postmasterPid) });
  const { rows: [cheapest] } = await servicePool.query<{ id: number; price_points: number }>(`SELECT id, price_points FROM gifts WHERE active ORDER BY price_points, id LIMIT 1`);
  if (!cheapest) throw new Error('no active gift in the legacy data');

  // 1. Payments end to end.
  const paymentsBefore = (await servicePool.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM payments`)).rows[0]!.id;
  const runTag = Date.now().toString(36);
  let paymentNo = 0;
  const answered: { key: string; uid: number; id: number }[] = [];
  const paidKeys = new Set<string>();
  const paymentBody = (n: number) => ({ sourceModel: 'hp.content.purchase', sourceId: 1 + (n % 100_000), amount: `${10 + (n % 90)}.00`, method: 'card' });
  const payEndToEnd = async () => {
    const n = paymentNo++;
    const uid = pick(MEMBERS);
    const key = `bench-${runTag}-${n}`;
    const created = await call('POST', '/payments', uid, paymentBody(n), { 'idempotency-key': key });
    expectStatus('POST /payments', created, 201);
    answered.push({ key, uid, id: Number(created.body.id) });
    const event = JSON.stringify({ id: `evt-${runTag}-${n}`, type: 'payment.succeeded', data: { reference: created.body.reference, providerTxnId: `txn-${runTag}-${n}` } });
    const settled = await call('POST', '/payments/webhook', null, event, { [SIGNATURE_HEADER]: webhookSignatureHeader(WEBHOOK_SECRET, Math.floor(Date.now() / 1000), event) });
    expectStatus('POST /payments/webhook', settled, 200);
    if (settled.body.outcome !== 'succeeded') throw new Error(`webhook outcome ${String(settled.body.outcome)} for ${key}`);
    paidKeys.add(key);
  };
  // Keys in turn, so no two loops resend the same key at once (that is a concurrent duplicate, answered 409).
  let retryNo = 0;
  const payRetry = async () => {
    if (answered.length < CONCURRENCY * 2) throw new Error('too few answered payments to retry');
    const first = answered[retryNo++ % answered.length]!;
    const n = Number(first.key.split('-').pop());
    const again = await call('POST', '/payments', first.uid, paymentBody(n), { 'idempotency-key': first.key });
    expectStatus('POST /payments (retried key)', again, 201);
    if (Number(again.body.id) !== first.id) throw new Error(`a retried key answered payment ${String(again.body.id)}, first ${first.id}`);
  };
  const balanceFloor = async () => expectStatus('GET /points/balance', await call('GET', '/points/balance', pick(MEMBERS)), 200);
  await payEndToEnd(); // one answered key before the retry variant's warm-up
  const paymentFigures = await interleave([
    { name: 'payment: POST /payments (key) + signed webhook succeed', call: payEndToEnd, cpu },
    { name: 'POST /payments, key already answered', call: payRetry, cpu },
    { name: 'GET /points/balance (REST floor)', call: balanceFloor, cpu },
  ], { rounds: ROUNDS, sliceSeconds: SLICE_SECONDS, concurrency: CONCURRENCY, warmupCalls: 200, warmupSeconds: 3 });

  // 2. Ledger writes: one hot user against 50. Senders get points enough for every gift first (one credit each).
  await ledgerDb.transaction().execute((trx) =>
    appendLedgerEntries({ sql: onKysely(trx) }, SPREAD.map((userId) => ({ userId, delta: 50_000_000, reason: 'adjust', refModel: 'bench', refId: null })), 1));
  let giftNo = 0;
  const gift = (sender: () => number) => async () => {
    const uid = sender();
    const receiver = uid === MEMBERS[1]! ? MEMBERS[2]! : MEMBERS[1]!;
    const answer = await call('POST', '/gifts/purchase', uid, { giftId: cheapest.id, receiverId: receiver, quantity: 1 }, { 'idempotency-key': `bench-gift-${runTag}-${giftNo++}` });
    expectStatus('POST /gifts/purchase', answer, 201);
  };
  const append = (user: () => number) => () =>
    ledgerDb.transaction().execute((trx) => appendLedgerEntries({ sql: onKysely(trx) }, [{ userId: user(), delta: 1, reason: 'adjust', refModel: 'bench', refId: null }], 1));
  const ledgerFigures = await interleave([
    { name: 'POST /gifts/purchase, one hot sender', call: gift(() => HOT_USER), cpu },
    { name: `POST /gifts/purchase, ${SPREAD_USERS} senders`, call: gift(() => pick(SPREAD)), cpu },
    { name: 'ledger append, one hot user', call: append(() => HOT_USER), cpu },
    { name: `ledger append, ${SPREAD_USERS} users`, call: append(() => pick(SPREAD)), cpu },
  ] satisfies Variant[], { rounds: ROUNDS, sliceSeconds: SLICE_SECONDS, concurrency: CONCURRENCY, warmupCalls: 200, warmupSeconds: 3 });
  const loadAtEnd = loadAverage();

  // 3. What the load left must add up.
  // Only the bench writes payments here: every one after the first id it found is the bench's.
  const { rows: [payments] } = await servicePool.query<{ created: number; succeeded: number }>(
    `SELECT count(*)::int AS created, count(*) FILTER (WHERE state = 'succeeded' AND provider_txn_id LIKE $2)::int AS succeeded FROM payments WHERE id > $1`,
    [paymentsBefore, `txn-${runTag}-%`],
  );
  const ledgerRules = await runBusinessRules(
    BUSINESS_RULES.filter((r) => ['points-ledger-chain', 'points-balance-is-sum'].includes(r.id) && r.scope === 'per-side'),
    { source: () => servicePool, target: () => servicePool },
  );
  const ledgerBreaches = ledgerRules.filter((r) => r.side === 'target').flatMap((r) => r.breaches.map((b) => `${r.id}: ${b.detail}`));
  const checks = {
    payments_created: payments!.created,
    payments_succeeded: payments!.succeeded,
    payments_keys_paid: paidKeys.size,
    ledger_breaches: ledgerBreaches.length,
  };
  ok = payments!.created === paidKeys.size && payments!.succeeded === paidKeys.size && ledgerBreaches.length === 0;

  const table = (title: string, figures: Record<string, InterleavedFigures>) => {
    console.log(`\n${title}`);
    console.log(`${'case'.padEnd(56)}${'ops/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ops'.padStart(8)}  CPU ms/op (node | postgres)`);
    for (const [name, f] of Object.entries(figures)) {
      console.log(`${name.padEnd(56)}${f.perSecond.toFixed(0).padStart(9)}${f.p50Ms.toFixed(2).padStart(9)}${f.p99Ms.toFixed(2).padStart(9)}${String(f.calls).padStart(8)}  ${(f.cpuMsPerCall.node ?? 0).toFixed(2)} | ${(f.cpuMsPerCall.postgres ?? 0).toFixed(2)}`);
    }
  };
  const cores = os.cpus().length;
  table(`payments end to end, ${CONCURRENCY} at a time, ${ROUNDS} interleaved rounds of ${SLICE_SECONDS} s; ${cores} cores`, paymentFigures);
  table(`ledger writes, one hot user vs ${SPREAD_USERS}, ${CONCURRENCY} at a time, ${ROUNDS} interleaved rounds of ${SLICE_SECONDS} s`, ledgerFigures);
  console.log(`\nchecks: ${JSON.stringify(checks)}${ledgerBreaches.length ? `; first breaches: ${ledgerBreaches.slice(0, 3).join(' | ')}` : ''}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);

  const pay = paymentFigures['payment: POST /payments (key) + signed webhook succeed']!;
  const retry = paymentFigures['POST /payments, key already answered']!;
  const floor = paymentFigures['GET /points/balance (REST floor)']!;
  const [giftHot, giftSpread, appendHot, appendSpread] = Object.values(ledgerFigures) as InterleavedFigures[];
  const cpuOf = (f: InterleavedFigures) => ({ node: round(f.cpuMsPerCall.node ?? 0, 2), postgres: round(f.cpuMsPerCall.postgres ?? 0, 2) });
  console.log(JSON.stringify({
    bench: 'finance',
    cores,
    concurrency: CONCURRENCY,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    payments_per_s: round(pay.perSecond, 1),
    payment_p50_ms: round(pay.p50Ms, 1),
    payment_p99_ms: round(pay.p99Ms, 1),
    payment_cpu_ms: cpuOf(pay),
    payment_retry_per_s: round(retry.perSecond, 1),
    payment_retry_p99_ms: round(retry.p99Ms, 1),
    rest_floor_per_s: round(floor.perSecond, 1),
    rest_floor_p99_ms: round(floor.p99Ms, 1),
    rest_floor_cpu_ms: cpuOf(floor),
    gift_hot_per_s: round(giftHot!.perSecond, 1),
    gift_spread_per_s: round(giftSpread!.perSecond, 1),
    gift_hot_p99_ms: round(giftHot!.p99Ms, 1),
    gift_spread_p99_ms: round(giftSpread!.p99Ms, 1),
    gift_cpu_ms: { hot: cpuOf(giftHot!), spread: cpuOf(giftSpread!) },
    ledger_hot_per_s: round(appendHot!.perSecond, 1),
    ledger_spread_per_s: round(appendSpread!.perSecond, 1),
    ledger_hot_p99_ms: round(appendHot!.p99Ms, 1),
    ledger_spread_p99_ms: round(appendSpread!.p99Ms, 1),
    ledger_cpu_ms: { hot: cpuOf(appendHot!), spread: cpuOf(appendSpread!) },
    hot_over_spread: { gift: round(giftHot!.perSecond / giftSpread!.perSecond, 2), ledger: round(appendHot!.perSecond / appendSpread!.perSecond, 2) },
    checks,
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  for (const r of resources.reverse()) await r.close().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${SERVICE_DATABASE} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await bench.stop();
}
process.exitCode = ok ? 0 : 1;
