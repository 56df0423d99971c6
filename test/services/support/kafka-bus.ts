import { execFileSync } from 'node:child_process';
import { Registry } from 'prom-client';
import type { Logger } from '../../../platform/logger.ts';
import type { KafkaStack } from '../../../cdc/distributed/stack.ts';
import { KafkaTransport } from '../../../services/kit/bus/kafka-transport.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

/** True (and says so, under `label`) when there is no `java` on PATH: the Kafka + Debezium stack runs on the JVM. */
export function javaMissing(label: string): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return false;
  } catch {
    console.log(`[${label}] skipped: no \`java\` on PATH (the Kafka + Debezium stack runs on the JVM)`);
    return true;
  }
}

export interface KafkaBusStack {
  stack: KafkaStack;
  publisherDb: TestDatabase;
  consumerDb: TestDatabase;
  transport: KafkaTransport;
  /**
   * Closes the transport, then `closeFirst` in order (the service databases), then stops Kafka
   * Connect and the broker (the connector holds a replication slot on the publisher database),
   * then drops both databases.
   */
  stop(...closeFirst: ({ close(): Promise<void> } | undefined)[]): Promise<void>;
}

/** A Kafka + Kafka Connect stack, empty publisher and consumer databases, and a transport over them. */
export async function startKafkaBus(names: { publisher: string; consumer: string }, logger: Logger): Promise<KafkaBusStack> {
  const { startKafkaStack } = await import('../../../cdc/distributed/stack.ts');
  const [stack, publisherDb, consumerDb] = await Promise.all([startKafkaStack(), emptyDatabase(names.publisher), emptyDatabase(names.consumer)]);
  const transport = new KafkaTransport({ brokers: [stack.brokers], connectUrl: stack.connectUrl, logger, metrics: kitMetrics(new Registry()) });
  return {
    stack,
    publisherDb,
    consumerDb,
    transport,
    async stop(...closeFirst) {
      await transport.close();
      for (const c of closeFirst) await c?.close();
      await stack.stop();
      await publisherDb.drop();
      await consumerDb.drop();
    },
  };
}
