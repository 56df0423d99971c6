import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { Registry } from 'prom-client';
import { EmbeddedTransport } from '../../services/kit/bus/embedded-transport.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../services/kit/db/database.ts';
import { runMigrations } from '../../services/kit/db/migrations.ts';
import { KIT_MIGRATIONS } from '../../services/kit/db/kit-migrations.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { PROJECT_ROOT } from '../support/ficus-process.ts';
import { bundleForChild } from './support/bundle.ts';
import { EFFECTS_MIGRATION } from './support/effects-migration.ts';
import { publishWhileKillingConsumers } from './support/exactly-once.ts';
import { javaMissing, startKafkaBus, type KafkaBusStack } from './support/kafka-bus.ts';

/**
 * Issue 7's 100,000 events per transport. CI sends 30,000 through the embedded bus (about 15 s,
 * still ten or so kills); the full count there is a bench: `npx tsx bench/long-checks.ts
 * exactly-once`. Kafka keeps 100,000 in CI: its consumers need seconds to rejoin, so fewer
 * events would leave too few kills to mean anything. EXACTLY_ONCE_EVENTS sets both.
 */
const KAFKA_TOTAL = Number(process.env.EXACTLY_ONCE_EVENTS ?? 100_000);
const EMBEDDED_TOTAL = Number(process.env.EXACTLY_ONCE_EVENTS ?? 30_000);
const logger = createLogger({ level: 'warn', format: 'json' });

let childScript: string;
beforeAll(async () => {
  childScript = await bundleForChild('test/services/support/consumer-child.ts');
});

async function counts(publisher: TestDatabase, consumer: TestDatabase) {
  const one = async (db: TestDatabase, q: string) => Number((await db.pool.query(q)).rows[0].n);
  return {
    outbox: await one(publisher, `SELECT count(*) AS n FROM outbox`),
    inbox: await one(consumer, `SELECT count(*) AS n FROM inbox WHERE consumer_group = 'dynamic' AND outcome = 'handled'`),
    effects: await one(consumer, `SELECT count(*) AS n FROM effects`),
    distinctEffects: await one(consumer, `SELECT count(DISTINCT event_id) AS n FROM effects`),
    deadLetters: await one(consumer, `SELECT count(*) AS n FROM dead_letters`),
  };
}

describe('exactly-once delivery while consumers are SIGKILLed at random', () => {
  let publisherDb: TestDatabase;
  let consumerDb: TestDatabase;
  let publisher: ServiceDatabase<any>;

  beforeAll(async () => {
    publisherDb = await emptyDatabase('eo_user');
    consumerDb = await emptyDatabase('eo_dynamic');
    await runMigrations(consumerDb.pool, [...KIT_MIGRATIONS, EFFECTS_MIGRATION]);
    publisher = await openServiceDatabase({ url: publisherDb.url, service: 'user', logger, migrations: [] });
  });
  afterAll(async () => {
    await publisher?.close();
    await publisherDb?.drop();
    await consumerDb?.drop();
  });

  it(`embedded bus: ${EMBEDDED_TOTAL} events → inbox = outbox = side effects`, async () => {
    const transport = new EmbeddedTransport(logger, kitMetrics(new Registry()));
    const run = await publishWhileKillingConsumers({
      total: EMBEDDED_TOTAL,
      perTx: 100,
      publisher,
      consumerDbUrl: consumerDb.url,
      childScript,
      childEnv: { BUS: 'embedded', SOURCE_DB_URL: publisherDb.url },
      transport,
      consumers: 2,
      killEveryMs: [500, 2500],
      minUptimeMs: 1000,
      killDuringDrainMs: 10_000,
      drainTimeoutMs: 240_000,
      inboxCount: async () => (await counts(publisherDb, consumerDb)).inbox,
    });
    await transport.close();
    const c = await counts(publisherDb, consumerDb);
    console.log(`[exactly-once embedded] ${JSON.stringify({ ...run, ...c })}`);
    expect(run.kills).toBeGreaterThanOrEqual(3);
    expect(c).toEqual({ outbox: EMBEDDED_TOTAL, inbox: EMBEDDED_TOTAL, effects: EMBEDDED_TOTAL, distinctEffects: EMBEDDED_TOTAL, deadLetters: 0 });
  }, 600_000);
});

const stackFile = path.join(PROJECT_ROOT, 'cdc/distributed/stack.ts');
describe.skipIf(!existsSync(stackFile) || javaMissing('exactly-once kafka'))('exactly-once over real Kafka + Debezium outbox router', () => {
  let kafka: KafkaBusStack;
  let publisher: ServiceDatabase<any>;

  beforeAll(async () => {
    kafka = await startKafkaBus({ publisher: 'eok_user', consumer: 'eok_dynamic' }, logger);
    await runMigrations(kafka.consumerDb.pool, [...KIT_MIGRATIONS, EFFECTS_MIGRATION]);
    publisher = await openServiceDatabase({ url: kafka.publisherDb.url, service: 'user', logger, migrations: [] });
  }, 400_000);
  afterAll(async () => {
    await kafka?.stop(publisher);
  }, 120_000);

  it(`Kafka: ${KAFKA_TOTAL} events through Debezium → inbox = outbox = side effects`, async () => {
    const run = await publishWhileKillingConsumers({
      total: KAFKA_TOTAL,
      perTx: 100,
      publisher,
      consumerDbUrl: kafka.consumerDb.url,
      childScript,
      childEnv: { BUS: 'kafka', KAFKA_BROKERS: kafka.stack.brokers, KAFKA_CONNECT_URL: kafka.stack.connectUrl },
      transport: kafka.transport,
      consumers: 2,
      killEveryMs: [3_000, 8_000],
      minUptimeMs: 3_000,
      killDuringDrainMs: 20_000,
      drainTimeoutMs: 400_000,
      inboxCount: async () => (await counts(kafka.publisherDb, kafka.consumerDb)).inbox,
    });
    const c = await counts(kafka.publisherDb, kafka.consumerDb);
    console.log(`[exactly-once kafka] ${JSON.stringify({ ...run, ...c })}`);
    expect(run.kills).toBeGreaterThan(2);
    expect(c).toEqual({ outbox: KAFKA_TOTAL, inbox: KAFKA_TOTAL, effects: KAFKA_TOTAL, distinctEffects: KAFKA_TOTAL, deadLetters: 0 });
  }, 900_000);
});
