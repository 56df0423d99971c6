import pg from 'pg';
import { Redis } from 'ioredis';
import { PHASE_CHANNEL } from './store/phase-store.ts';

/**
 * How a phase change reaches every gateway within a second: LISTEN/NOTIFY on the control
 * database (every step NOTIFYs in its own transaction), or Redis pub/sub when REDIS_URL is
 * set (gateways that share no database connection pool). Both carry only the module code; the
 * gateway then re-reads the row, so a lost message costs at most one safety-net period.
 */
export interface PhaseSignal {
  subscribe(onModule: (module: string) => void): Promise<void>;
  publish(module: string): Promise<void>;
  close(): Promise<void>;
}

export function postgresPhaseSignal(controlUrl: string): PhaseSignal {
  let client: pg.Client | undefined;
  return {
    async subscribe(onModule) {
      client = new pg.Client({ connectionString: controlUrl, application_name: 'ficus_phase_listen' });
      client.on('error', () => undefined); // the safety-net re-read covers the gap; the runtime reconnects
      client.on('notification', (n) => n.payload && onModule(n.payload));
      await client.connect();
      await client.query(`LISTEN ${PHASE_CHANNEL}`);
    },
    async publish() {
      // The store NOTIFYs inside each transaction that changes a phase.
    },
    async close() {
      await client?.end().catch(() => undefined);
    },
  };
}

export function redisPhaseSignal(redisUrl: string): PhaseSignal {
  let subscriber: Redis | undefined;
  let publisher: Redis | undefined;
  return {
    async subscribe(onModule) {
      subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await subscriber.connect();
      subscriber.on('message', (_channel: string, module: string) => onModule(module));
      await subscriber.subscribe(PHASE_CHANNEL);
    },
    async publish(module) {
      publisher ??= new Redis(redisUrl, { maxRetriesPerRequest: 2 });
      await publisher.publish(PHASE_CHANNEL, module);
    },
    async close() {
      subscriber?.disconnect();
      publisher?.disconnect();
    },
  };
}

/** Both at once: NOTIFY always happens; Redis adds fan-out beyond the control database's connections. */
export function phaseSignalFor(controlUrl: string, redisUrl: string | undefined): PhaseSignal {
  const pgSignal = postgresPhaseSignal(controlUrl);
  if (!redisUrl) return pgSignal;
  const redis = redisPhaseSignal(redisUrl);
  return {
    async subscribe(onModule) {
      await pgSignal.subscribe(onModule);
      await redis.subscribe(onModule);
    },
    publish: (module) => redis.publish(module),
    async close() {
      await pgSignal.close();
      await redis.close();
    },
  };
}
