// A process running the ai task worker on AI_DB_URL (M16's rows there, or on LEGACY_DB_URL when
// given: the monolith's side before cutover) until SIGTERM. The crash test kills it (SIGKILL) at a
// chosen boundary (CRASH_AT=<boundary>:<n>, the n-th time any task reaches it) or at random times,
// and starts another; that one takes over what the dead one left (leases that ended).
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createLogger } from '../../../platform/logger.ts';
import { providerChoice } from '../../../services/ai/domain/provider-choice.ts';
import { TaskWorker, type WorkerBoundary } from '../../../services/ai/domain/worker.ts';

const pool = new pg.Pool({ connectionString: process.env.AI_DB_URL!, max: 12 });
const legacyPool = process.env.LEGACY_DB_URL ? new pg.Pool({ connectionString: process.env.LEGACY_DB_URL, max: 12 }) : null;
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
const [crashAt, crashNth] = (process.env.CRASH_AT ?? '').split(':') as [WorkerBoundary | '', string | undefined];
let reached = 0;
const leaseMs = Number(process.env.LEASE_MS ?? 1000);

const worker = new TaskWorker({
  db, legacyPool,
  log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' }),
  providers: providerChoice({ baseUrl: process.env.STAND_IN_URL!, apiKey: process.env.STAND_IN_KEY!, timeoutMs: 10_000 }),
  policy: { maxAttempts: Number(process.env.MAX_ATTEMPTS ?? 10), backoffMs: () => 50, leaseMs, heartbeatMs: Math.floor(leaseMs / 3), concurrency: 4 },
  name: `child-${process.pid}`,
  onBoundary: (at) => {
    if (at === crashAt && ++reached === Number(crashNth ?? 1)) process.kill(process.pid, 'SIGKILL');
  },
});

process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    await pool.end();
    await legacyPool?.end();
    process.exit(0);
  });
});
worker.kick();
// Polls as a running service's timer and POST kicks would: runs a crash left behind are due once their lease ends.
setInterval(() => worker.kick(), 100);
process.stdout.write('ready\n');
