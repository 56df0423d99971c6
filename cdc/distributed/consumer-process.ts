// The Kafka side of CDC as its own process: `node --import tsx cdc/distributed/consumer-process.ts`
// with FICUS_CDC_KAFKA_BROKERS, FICUS_CDC_TOPICS (comma-separated Debezium topics),
// FICUS_CDC_GROUP (consumer group), FICUS_CDC_TARGET_URL, optional FICUS_CDC_ORIGIN (replication
// origin of the applier's writes) and FICUS_CDC_KEY_ONLY_TABLES (DEFAULT-identity tables).
// SIGTERM/SIGINT stop it cleanly; after a SIGKILL the next start resumes from the group's
// committed offsets, which never run ahead of what the target committed.
import { openApplierFromEnv, requiredEnv, stopOnSignals } from '../apply/applier-from-env.ts';
import { createLogger } from '../../platform/logger.ts';
import { KafkaSource } from './kafka-source.ts';

const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format: 'json' });
const applier = await openApplierFromEnv(logger);
const source = new KafkaSource({
  brokers: requiredEnv('FICUS_CDC_KAFKA_BROKERS'),
  groupId: requiredEnv('FICUS_CDC_GROUP'),
  topics: list(requiredEnv('FICUS_CDC_TOPICS')),
  keyOnlyDeleteTables: list(process.env.FICUS_CDC_KEY_ONLY_TABLES),
  applier,
  logger,
});
await source.start();
void source.ready.then(() => logger.info({ group: process.env.FICUS_CDC_GROUP }, 'cdc kafka consumer running'));

stopOnSignals(source, applier);
