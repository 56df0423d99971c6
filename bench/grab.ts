// The grab race (issue 9): `npx tsx bench/grab.ts`. 500 concurrent grabs, Odoo RPC through the
// gateway and REST mixed, on 50 paid orders after M04+M20 moved to trade. Prints a table, then one JSON line.
import { startDrillStack } from './drill/drill-stack.ts';
import { createLogger } from '../platform/logger.ts';
import { issueToken } from '../services/kit/auth/tokens.ts';
import trade from '../services/trade/index.ts';
import { serveForTest } from './support/service-app.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';
import { preparePaidOrders, runGrabRace } from './support/grab-race.ts';

const ORDERS = Number(process.env.GRAB_ORDERS ?? 50);
const PER_ORDER = Number(process.env.GRAB_PER_ORDER ?? 10);

const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'grab', service: 'trade', modules: ['M04', 'M20'] });

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const stack = await startDrillStack({ legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl: drill.serviceUrl, logger, service: 'trade' });
const force = { force: true, reason: 'bench: grab race after cutover', actor: 'bench' };
for (const module of ['M04', 'M20']) {
  const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
  if (!backfill.ok) throw new Error(backfill.message);
  await stack.controller.shadow(module, force);
}
await stack.controller.together('cutover', ['M04', 'M20'], force);
while (['M04', 'M20'].some((m) => stack.runtime.book.get(m).phase !== 'service')) await new Promise((r) => setTimeout(r, 20));
const rest = await serveForTest(trade, drill.serviceUrl);
const orders = await preparePaidOrders(stack.servicePool, ORDERS);
const result = await runGrabRace({ gatewayUrl: stack.gatewayUrl, restUrl: rest.baseUrl, tokenFor: (uid) => issueToken(rest.keys.current, { userId: uid }), orders, perOrder: PER_ORDER });
const check = await stack.servicePool.query<{ orders_assigned_once: number; winners: number }>(
  `SELECT count(*) FILTER (WHERE won = 1 AND state = 'assigned')::int AS orders_assigned_once, sum(won)::int AS winners
     FROM (SELECT o.id, o.state, count(g.id) FILTER (WHERE g.state = 'won' AND g.coach_id = o.health_worker_id) AS won
             FROM service_orders o LEFT JOIN grab_orders g ON g.service_order_id = o.id WHERE o.id = ANY($1) GROUP BY o.id, o.state) x`,
  [orders],
);
await rest.stop();
await stack.stop();
await drill.clean();
await bench.stop();

const throughput = result.requests / (result.ms / 1000);
const { orders_assigned_once: assignedOnce, winners } = check.rows[0]!;
console.log('\ngrab race after cutover of M04+M20 (embedded)');
console.log('  requests  rpc  rest  won  lost  failed  orders assigned once  ms     grabs/s');
console.log(`  ${String(result.requests).padStart(8)}  ${String(result.rpc).padStart(3)}  ${String(result.rest).padStart(4)}  ${String(result.won).padStart(3)}  ${String(result.lost).padStart(4)}  ${String(result.failures.length).padStart(6)}  ${String(assignedOnce).padStart(20)}  ${String(result.ms).padStart(5)}  ${throughput.toFixed(0).padStart(7)}`);
for (const f of result.failures.slice(0, 5)) console.log(`  failure: ${f}`);
const ok = result.failures.length === 0 && result.won === ORDERS && winners === ORDERS && assignedOnce === ORDERS && result.lost === result.requests - ORDERS;
console.log(JSON.stringify({ bench: 'grab', requests: result.requests, rpc: result.rpc, rest: result.rest, orders: ORDERS, won: result.won, lost: result.lost, failed: result.failures.length, ordersAssignedOnce: assignedOnce, ms: result.ms, grabsPerSecond: Math.round(throughput), ok }));
process.exit(ok ? 0 : 1);
