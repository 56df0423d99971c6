/**
 * The mall's order path (issue 25, bar 4's order p99), exported for bench/ec.ts (ec-ads runs it
 * after the impressions on its cluster): POST /orders through ec's REST runtime on a real port
 * (HTTP, JSON, ajv, bearer token, ACL and the create rule, the request's transaction with the
 * name draw, lines at lst_price, amount_total, one conditional UPDATE per line reserving stock,
 * the ledger, inventory_updated in the outbox, the idempotency record, commit) after M09's
 * cutover (svc_ec owns M09). CLIENTS members order concurrently, one or two lines each, over
 * PRODUCTS stocked products with plenty of units, so every order succeeds and the figure is the
 * path's, not the refusal's. Returns orders per second and latency p50/p99.
 * Run alone: npx tsx bench/ec-orders.ts [--seconds N]   (one JSON line at the end)
 */
import express from 'express';
import pg from 'pg';
import { Registry } from 'prom-client';
import { setWriteOwner } from '../migration/control/service-write-gate.ts';
import { listen } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { EC_MIGRATIONS } from '../services/ec/db/migrations.ts';
import ec from '../services/ec/index.ts';
import { localKeyLookup } from '../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../services/kit/auth/keys.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import { EmbeddedTransport } from '../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../services/kit/cache/memory-cache.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import { kitMetrics } from '../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../services/kit/runner/service-runtime.ts';
import { copyServiceBackfill } from './support/service-backfill-copy.ts';

const CLIENTS = Number(process.env.ORDER_CLIENTS ?? 4);
const PRODUCTS = 20;
const LEGACY_DATABASE = 'ec_orders_bench_legacy';
const SERVICE_DATABASE = 'ec_orders_bench_svc';

export interface OrderFigures {
  orders: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  refused: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

/**
 * Orders for `seconds` on a bench cluster (`clusterUrl(db)`, with the monolith restored as the
 * template database `legacy`), after a warm-up of a second; its own two databases, dropped after.
 */
export async function measureOrderP99(options: { seconds: number; clusterUrl: (db: string) => string }): Promise<OrderFigures> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
  const admin = new pg.Client({ connectionString: options.clusterUrl('postgres') });
  await admin.connect();
  for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${LEGACY_DATABASE} TEMPLATE legacy`);
  await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
  const serviceUrl = options.clusterUrl(SERVICE_DATABASE);
  const legacyPool = new pg.Pool({ connectionString: options.clusterUrl(LEGACY_DATABASE), max: 4 });
  const servicePool = new pg.Pool({ connectionString: serviceUrl, max: 4 });
  legacyPool.on('error', () => undefined);
  servicePool.on('error', () => undefined);
  const transport = new EmbeddedTransport(logger, kitMetrics(new Registry()));
  let runtime: Awaited<ReturnType<typeof startServiceRuntime>> | undefined;
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    await provisionServiceDatabase(serviceUrl, EC_MIGRATIONS);
    await copyServiceBackfill(legacyPool, serviceUrl, 'ec', ['orders', 'order_lines', 'inventories']);
    await setWriteOwner(servicePool, 'M09', 'service', null);
    const { rows: products } = await servicePool.query<{ id: number }>(
      'SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.active AND pt.list_price > 0 ORDER BY pp.id LIMIT $1', [PRODUCTS]);
    await servicePool.query('DELETE FROM inventories WHERE product_id = ANY($1::int4[])', [products.map((p) => p.id)]);
    await servicePool.query(
      `INSERT INTO inventories (product_id, warehouse, quantity, reserved, create_uid, write_uid, create_date, write_date)
       SELECT p, w, 1e9, 0, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC' FROM unnest($1::int4[]) p, unnest(ARRAY['BJ-01', 'SH-01']) w`,
      [products.map((p) => p.id)],
    );
    const { rows: members } = await servicePool.query<{ uid: number }>(
      `SELECT r.uid FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'hp_account' AND d.name = 'group_hp_member'
        JOIN res_users u ON u.id = r.uid AND u.active WHERE r.uid > 2 ORDER BY r.uid LIMIT $1`, [CLIENTS]);
    const keys = newSigningKeySet();
    runtime = await startServiceRuntime(ec, { databaseUrl: serviceUrl, transport, cache: new MemoryCache('ficus:ec:'), keys: localKeyLookup(() => keys), logger, metrics: new Registry(), legacyPool });
    const app = express();
    app.use(runtime.router);
    server = await listen(app, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${server.port}/orders`;
    let sequence = 0;
    const placeOrder = async (client: number): Promise<{ ms: number; ok: boolean }> => {
      const n = (sequence += 1);
      const lines = [{ productId: products[n % products.length]!.id, quantity: 1 + (n % 3) }];
      if (n % 2) lines.push({ productId: products[(n * 7 + 3) % products.length]!.id, quantity: 1 });
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(keys, { userId: members[client % members.length]!.uid })}`, 'idempotency-key': `bench-order-${process.pid}-${n}` },
        body: JSON.stringify({ lines }),
      });
      await response.arrayBuffer();
      return { ms: performance.now() - started, ok: response.status === 201 };
    };
    const run = async (seconds: number) => {
      const latencies: number[] = [];
      let refused = 0;
      const end = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
        while (performance.now() < end) {
          const answer = await placeOrder(client);
          if (answer.ok) latencies.push(answer.ms);
          else refused += 1;
        }
      }));
      return { latencies: latencies.sort((a, b) => a - b), refused, seconds: (performance.now() - started) / 1000 };
    };
    await run(1);
    const measured = await run(options.seconds);
    return {
      orders: measured.latencies.length,
      perSecond: measured.latencies.length / measured.seconds,
      p50Ms: percentile(measured.latencies, 50),
      p99Ms: percentile(measured.latencies, 99),
      refused: measured.refused,
    };
  } finally {
    await server?.close(1000);
    await runtime?.stop();
    await transport.close();
    await legacyPool.end();
    await servicePool.end();
    for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

// Run alone: its own bench cluster (the monolith restored once into /tmp/ficus-bench-ec-orders).
if (import.meta.url === `file://${process.argv[1]}`) {
  const os = await import('node:os');
  const { round, secondsArgument } = await import('./support/measure.ts');
  process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-ec-orders';
  const { startBenchCluster } = await import('./support/bench-cluster.ts');
  const seconds = secondsArgument(5);
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54396));
  try {
    const figures = await measureOrderP99({ seconds, clusterUrl: (db) => bench.cluster.url(db) });
    const loadAtEnd = os.loadavg().map((l) => round(l, 2));
    console.log(`POST /orders, ${CLIENTS} clients, ${seconds} s: ${figures.orders} orders, ${round(figures.perSecond, 0)}/s, p50 ${round(figures.p50Ms, 1)} ms, p99 ${round(figures.p99Ms, 1)} ms, refused ${figures.refused}`);
    console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);
    console.log(JSON.stringify({ bench: 'ec-orders', cores: os.cpus().length, seconds, clients: CLIENTS, ...figures, load_start: loadAtStart, load_end: loadAtEnd }));
  } finally {
    await bench.stop();
  }
}
