import { spawn, type ChildProcess } from 'node:child_process';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import type { BusTransport } from '../../../services/kit/bus/types.ts';
import type { ServiceDatabase } from '../../../services/kit/db/database.ts';
import type { NewEvent } from '../../../services/kit/events/cloudevent.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { BUNDLED_CHILD_ENV } from './bundle.ts';

export interface ExactlyOnceRun {
  published: number;
  kills: number;
  publishMs: number;
  drainMs: number;
}

/**
 * Publishes `total` events from service "user" (concurrent transactions of `perTx` events, so
 * commits interleave) while consumer processes are SIGKILLed at random and restarted; then waits
 * until the consumer's inbox holds every event. The caller compares the counts.
 */
export async function publishWhileKillingConsumers(options: {
  total: number;
  perTx: number;
  publisher: ServiceDatabase<any>;
  consumerDbUrl: string;
  childScript: string;
  childEnv: Record<string, string>;
  transport: BusTransport;
  /** Consumer processes alive at once (one reads, the others stand by or share partitions). */
  consumers: number;
  killEveryMs: [number, number];
  /** Only processes that have been consuming this long are killed, so each life does some work. */
  minUptimeMs: number;
  /** How long kills continue once publishing is done. */
  killDuringDrainMs: number;
  drainTimeoutMs: number;
  inboxCount: () => Promise<number>;
}): Promise<ExactlyOnceRun> {
  const logger = createLogger({ level: 'warn', format: 'json' });
  const bus = new ServiceBus({ service: 'user', database: options.publisher, publishes: ['health_action_recorded'], transport: options.transport, logger, metrics: kitMetrics(new Registry()) });
  await bus.startPublishing();

  /** Consumer processes and when each said it was ready (kills go to ones that got to work). */
  const children = new Map<ChildProcess, number>();
  let kills = 0;
  let stopping = false;
  const spawnConsumer = () => {
    const child = spawn(process.execPath, [options.childScript], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...BUNDLED_CHILD_ENV, CONSUMER_DB_URL: options.consumerDbUrl, ...options.childEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.set(child, Number.POSITIVE_INFINITY);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) children.set(child, Date.now());
    });
    child.once('exit', () => {
      children.delete(child);
      if (!stopping) spawnConsumer();
    });
  };
  for (let i = 0; i < options.consumers; i++) spawnConsumer();
  const killer = (async () => {
    while (!stopping) {
      const [min, max] = options.killEveryMs;
      await new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));
      const victims = [...children].filter(([, readyAt]) => Date.now() - readyAt >= options.minUptimeMs).map(([c]) => c);
      const victim = victims[Math.floor(Math.random() * victims.length)];
      if (victim && !stopping) {
        victim.kill('SIGKILL');
        kills++;
      }
    }
  })();

  const started = Date.now();
  let next = 0;
  const measuredAt = new Date().toISOString();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < options.total) {
        const from = next;
        next = Math.min(options.total, next + options.perTx);
        const events: NewEvent[] = [];
        for (let i = from; i < next; i++) {
          events.push({
            type: 'health_action_recorded',
            subject: `hp.health.record/${i + 1}`,
            data: { recordId: i + 1, userId: 6 + (i % 240), recordType: 'steps', value: i % 20000, unit: 'steps', measuredAt, source: 'device' },
          });
        }
        await options.publisher.db.transaction().execute((tx) => bus.publishMany(tx, events));
      }
    }),
  );
  const publishMs = Date.now() - started;

  // Keep killing for a while during the drain too, then let the survivors finish.
  const drainStarted = Date.now();
  while ((await options.inboxCount()) < options.total && Date.now() - drainStarted < options.killDuringDrainMs) await new Promise((r) => setTimeout(r, 250));
  stopping = true;
  await killer;
  if (children.size === 0) {
    stopping = false;
    spawnConsumer();
    stopping = true;
  }
  while ((await options.inboxCount()) < options.total && Date.now() - drainStarted < options.drainTimeoutMs) await new Promise((r) => setTimeout(r, 250));
  const drainMs = Date.now() - drainStarted;
  // A last grace period: anything handled twice would show up now.
  await new Promise((r) => setTimeout(r, 1000));
  for (const child of children.keys()) child.kill('SIGKILL');
  await bus.stop();
  return { published: options.total, kills, publishMs, drainMs };
}
