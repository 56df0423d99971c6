import type { Logger } from 'pino';
import { EmbeddedTransport } from '../bus/embedded-transport.ts';
import { KafkaTransport } from '../bus/kafka-transport.ts';
import type { BusTransport } from '../bus/types.ts';
import type { KitConfig } from '../config.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';

/** The one place the transport is chosen: by configuration, never by a service. */
export function createTransport(config: Pick<KitConfig, 'bus' | 'kafkaBrokers' | 'kafkaConnectUrl'>, logger: Logger, metrics: KitMetrics): BusTransport {
  if (config.bus === 'kafka') {
    return new KafkaTransport({ brokers: config.kafkaBrokers, connectUrl: config.kafkaConnectUrl!, logger, metrics });
  }
  return new EmbeddedTransport(logger, metrics);
}
