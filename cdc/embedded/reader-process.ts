// The embedded CDC reader as its own process: `node --import tsx cdc/embedded/reader-process.ts`
// with FICUS_CDC_SOURCE_URL, FICUS_CDC_TARGET_URL, FICUS_CDC_TABLES (comma-separated
// schema.table), FICUS_CDC_PURPOSE (slot/publication ficus_<purpose>), optional
// FICUS_CDC_ORIGIN (replication origin of the applier's writes). SIGTERM/SIGINT stop it cleanly;
// SIGKILL is what the crash test does, and the next start resumes from the target's checkpoint.
import { Registry } from 'prom-client';
import { ChangeApplier } from '../apply/applier.ts';
import { createLogger } from '../../runtime/logger.ts';
import { EmbeddedSource } from './embedded-source.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format: 'json' });
const applier = await ChangeApplier.open({
  targetUrl: required('FICUS_CDC_TARGET_URL'),
  sourceName: 'legacy',
  logger,
  registry: new Registry(),
  origin: process.env.FICUS_CDC_ORIGIN ?? 'ficus_forward',
});
const source = new EmbeddedSource({
  sourceUrl: required('FICUS_CDC_SOURCE_URL'),
  purpose: required('FICUS_CDC_PURPOSE'),
  tables: required('FICUS_CDC_TABLES').split(','),
  applier,
  logger,
  heartbeatIntervalMs: Number(process.env.FICUS_CDC_HEARTBEAT_MS ?? 10_000),
  backoffBaseMs: Number(process.env.FICUS_CDC_BACKOFF_MS ?? 200),
});
source.start();
void source.ready.then(() => logger.info({ slot: source.slotName }, 'cdc reader ready'));

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
