// The Kafka side of CDC as its own process: `node --import tsx cdc/distributed/consumer-process.ts`
// with FICUS_CDC_KAFKA_BROKERS, FICUS_CDC_TOPICS (comma-separated Debezium topics),
// FICUS_CDC_GROUP (consumer group), FICUS_CDC_TARGET_URL, optional FICUS_CDC_ORIGIN (replication
// origin of the applier's writes) and FICUS_CDC_KEY_ONLY_TABLES (DEFAULT-identity tables).
// SIGTERM/SIGINT stop it cleanly; after a SIGKILL the next start resumes from the group's
// committed offsets, which never run ahead of what the target committed.
import { Registry } from 'prom-client';
import { ChangeApplier } from '../apply/applier.ts';
import { createLogger } from '../../runtime/logger.ts';
import { KafkaSource } from './kafka-source.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format: 'json' });
const applier = await ChangeApplier.open({
  targetUrl: required('FICUS_CDC_TARGET_URL'),
  sourceName: 'legacy',
  logger,
  registry: new Registry(),
  origin: process.env.FICUS_CDC_ORIGIN ?? 'ficus_forward',
});
const source = new KafkaSource({
  brokers: required('FICUS_CDC_KAFKA_BROKERS'),
  groupId: required('FICUS_CDC_GROUP'),
  topics: list(required('FICUS_CDC_TOPICS')),
  keyOnlyDeleteTables: list(process.env.FICUS_CDC_KEY_ONLY_TABLES),
  applier,
  logger,
});
await source.start();
void source.ready.then(() => logger.info({ group: process.env.FICUS_CDC_GROUP }, 'cdc kafka consumer running'));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await source.stop();
  await applier.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
