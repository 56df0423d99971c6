// A process that runs OrderCreationSagas until every request in saga_requests has one that ended.
// The crash test kills it (SIGKILL) at chosen boundaries (CRASH_AT=<boundary>:<step>) or at random
// times, and starts it again; it then resumes whatever the dead process left unfinished.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { SagaRunner } from '../../../services/kit/saga/saga-runner.ts';
import { orderCreationSaga, type OrderCreationInput } from '../../../services/trade/domain/order-creation-saga.ts';
import { sagaPorts } from './saga-ports.ts';

const url = process.env.SAGA_DB_URL!;
const crashAt = process.env.CRASH_AT; // e.g. "after-action:create_order"
const concurrency = Number(process.env.SAGA_CONCURRENCY ?? 6);

const pool = new pg.Pool({ connectionString: url, max: concurrency + 4 });
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
const saga = orderCreationSaga(sagaPorts(pool, Number(process.env.FLAKINESS ?? 0.1)));
const runner = new SagaRunner({
  service: 'trade',
  db,
  pool,
  sagas: [saga],
  logger: createLogger({ level: 'silent', format: 'json' }),
  metrics: kitMetrics(new Registry()),
  maxActionAttempts: 3,
  onBoundary: ({ at, step }) => {
    if (crashAt && crashAt === `${at}:${step}`) process.kill(process.pid, 'SIGKILL');
  },
});

process.stdout.write('ready\n');
await runner.resumeAll(concurrency);
for (;;) {
  const { rows } = await sql<{ key: string; customer_id: number; amount: string }>`
    SELECT r.key, r.customer_id, r.amount::text FROM saga_requests r
     WHERE NOT EXISTS (SELECT 1 FROM saga_instances s WHERE s.saga = ${saga.name} AND s.key = r.key)
     ORDER BY r.key LIMIT ${concurrency * 4}`.execute(db);
  if (!rows.length) break;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = lane; i < rows.length; i += concurrency) {
        const r = rows[i]!;
        const input: OrderCreationInput = { customerId: r.customer_id, serviceId: 1, amount: r.amount, currency: 'CNY' };
        await runner.startAndRun(saga, r.key, input);
      }
    }),
  );
}
await runner.resumeAll(concurrency); // anything another lane left behind
await runner.stop();
await db.destroy();
process.stdout.write('done\n');
