// The embedded CDC reader as its own process: `node --import tsx cdc/embedded/reader-process.ts`
// with FICUS_CDC_SOURCE_URL, FICUS_CDC_TARGET_URL, FICUS_CDC_TABLES (comma-separated
// schema.table), FICUS_CDC_PURPOSE (slot/publication ficus_<purpose>), optional
// FICUS_CDC_ORIGIN (replication origin of the applier's writes). SIGTERM/SIGINT stop it cleanly;
// SIGKILL is what the crash test does, and the next start resumes from the target's checkpoint.
import { openApplierFromEnv, requiredEnv, stopOnSignals } from '../apply/applier-from-env.ts';
import { createLogger } from '../../platform/logger.ts';
import { EmbeddedSource } from './embedded-source.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', format: 'json' });
const applier = await openApplierFromEnv(logger);
const source = new EmbeddedSource({
  sourceUrl: requiredEnv('FICUS_CDC_SOURCE_URL'),
  purpose: requiredEnv('FICUS_CDC_PURPOSE'),
  tables: requiredEnv('FICUS_CDC_TABLES').split(','),
  applier,
  logger,
  heartbeatIntervalMs: Number(process.env.FICUS_CDC_HEARTBEAT_MS ?? 10_000),
  backoffBaseMs: Number(process.env.FICUS_CDC_BACKOFF_MS ?? 200),
});
source.start();
void source.ready.then(() => logger.info({ slot: source.slotName }, 'cdc reader ready'));

stopOnSignals(source, applier);
