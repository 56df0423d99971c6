import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { ChangeApplier } from './applier.ts';

/** A setting a CDC child process cannot start without: missing, it exits 2 with the name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

/** The applier of a CDC child process: FICUS_CDC_TARGET_URL, and FICUS_CDC_ORIGIN for its writes. */
export function openApplierFromEnv(logger: Logger): Promise<ChangeApplier> {
  return ChangeApplier.open({
    targetUrl: requiredEnv('FICUS_CDC_TARGET_URL'),
    sourceName: 'legacy',
    logger,
    registry: new Registry(),
    origin: process.env.FICUS_CDC_ORIGIN ?? 'ficus_forward',
  });
}

/** SIGTERM/SIGINT stop the source, then close the applier, then exit 0 (a second signal is ignored). */
export function stopOnSignals(source: { stop(): Promise<void> }, applier: ChangeApplier): void {
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
}
