// A consumer process for the exactly-once test: service "dynamic" handles health_action_recorded
// events published by service "user", recording one row per handling in `effects` (no unique key,
// so a second handling of an event would show). The test SIGKILLs it at random and starts it again.
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { KafkaTransport } from '../../../services/kit/bus/kafka-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import type { BusTransport } from '../../../services/kit/bus/types.ts';
import { openServiceDatabase } from '../../../services/kit/db/database.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { EFFECTS_MIGRATION } from './effects-migration.ts';

const logger = createLogger({ level: process.env.CHILD_LOG_LEVEL ?? 'warn', format: 'json' });
const metrics = kitMetrics(new Registry());
const database = await openServiceDatabase<any>({ url: process.env.CONSUMER_DB_URL!, service: 'dynamic', logger, migrations: [EFFECTS_MIGRATION] });

let transport: BusTransport;
if (process.env.BUS === 'kafka') {
  transport = new KafkaTransport({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    connectUrl: process.env.KAFKA_CONNECT_URL!,
    sessionTimeoutMs: 6_000,
    logger,
    metrics,
  });
} else {
  const embedded = new EmbeddedTransport(logger, metrics);
  await embedded.addPublisher({ service: 'user', url: process.env.SOURCE_DB_URL!, publishes: ['health_action_recorded'] });
  transport = embedded;
}

const bus = new ServiceBus({ service: 'dynamic', database, publishes: [], transport, logger, metrics });
bus.subscribe('health_action_recorded', 'dynamic', async (event, { db }) => {
  await sql`INSERT INTO effects (event_id, record_id) VALUES (${event.id}, ${event.data.recordId})`.execute(db);
});
await bus.startConsuming();
process.stdout.write('ready\n');
