import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventType } from '../events/event-types.ts';
import { EVENT_TYPES } from '../events/event-types.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import type { DeadLetterSink } from './dead-letters.ts';
import { eventTopic, registerOutboxConnector } from './debezium-outbox.ts';
import type { BusTransport, ConsumerSink, RunningConsumer } from './types.ts';

export interface KafkaTransportOptions {
  brokers: string[];
  /** Kafka Connect REST URL, where the Debezium outbox connectors are registered. */
  connectUrl: string;
  /** Partitions of each event topic: the most consumers of one group that can share the work. */
  partitions?: number;
  /** kafkajs session timeout: how soon a crashed consumer's partitions move to another one. */
  sessionTimeoutMs?: number;
  logger: Logger;
  metrics: KitMetrics;
}

/**
 * Kafka mode (DESIGN §4, distributed): Debezium's outbox event router relays each service's
 * outbox to `ficus.events.<type>` topics; consumer groups read them with kafkajs. Offsets are
 * committed after the handling transaction commits, so a crash redelivers and the inbox dedupes.
 * Dead letters go to `ficus.dlq.<service>.<group>` with the reason in a header.
 */
export class KafkaTransport implements BusTransport {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private topicsReady: Promise<void> | undefined;

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({ clientId: 'ficus', brokers: options.brokers, logLevel: logLevel.WARN, retry: { retries: 10 } });
  }

  async addPublisher({ service, url, pool }: { service: string; url: string; pool?: pg.Pool; publishes: readonly EventType[] }): Promise<void> {
    await this.ensureTopics();
    if (pool) {
      // Debezium reads through this publication; created here so it lists only the outbox.
      await pool.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'ficus_outbox_${service}') THEN
          CREATE PUBLICATION ficus_outbox_${service} FOR TABLE outbox;
        END IF; END $$`);
    }
    await registerOutboxConnector(this.options.connectUrl, service, url);
  }

  deadLetters(service: string, group: string): DeadLetterSink {
    return {
      record: async (trx, letter) => {
        // Produced before the inbox row commits: at-least-once into the DLQ topic.
        const producer = await this.dlqProducer();
        await producer.send({
          topic: `ficus.dlq.${service}.${group}`,
          messages: [{ key: letter.eventId, value: letter.payload, headers: { reason: letter.reason, attempts: String(letter.attempts), source: letter.source } }],
        });
        void trx;
      },
    };
  }

  async startConsumer({ service, sink, logger }: { service: string; pool: pg.Pool; sink: ConsumerSink; logger: Logger }): Promise<RunningConsumer> {
    await this.ensureTopics();
    let stopped = false;
    let current: Consumer | undefined;
    const start = async (): Promise<void> => {
      const consumer = await this.runConsumer(service, sink, logger);
      current = consumer;
      // kafkajs restarts itself after retriable failures; after a non-retriable one (e.g. this
      // member was fenced off during a rebalance) it stops for good, so start a fresh consumer.
      consumer.on(consumer.events.CRASH, (crash) => {
        if (crash.payload.restart || stopped) return;
        logger.warn({ group: sink.group, err: crash.payload.error }, 'kafka consumer crashed; starting a new one');
        void consumer.disconnect().catch(() => undefined).then(() => (stopped ? undefined : start().catch((error: unknown) => logger.error({ err: error }, 'kafka consumer restart failed'))));
      });
    };
    await start();
    logger.info({ group: sink.group, types: [...sink.types] }, 'kafka consumer running');
    return {
      async stop() {
        stopped = true;
        await current?.disconnect();
      },
    };
  }

  private async runConsumer(service: string, sink: ConsumerSink, logger: Logger): Promise<Consumer> {
    const consumer: Consumer = this.kafka.consumer({
      groupId: `ficus.${service}.${sink.group}`,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...sink.types].map(eventTopic), fromBeginning: true });
    const { metrics } = this.options;
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const chunkSize = 200;
        for (let from = 0; from < batch.messages.length; from += chunkSize) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(from, from + chunkSize);
          await sink.deliver(chunk.map((m) => ({ raw: m.value ? parseValue(m.value.toString('utf8')) : null, source: batch.topic })));
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          // After the handling transaction committed: a crash before this line means redelivery, which the inbox absorbs.
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          await heartbeat();
        }
        metrics.consumerLag.set({ service, group: sink.group, source: `${batch.topic}/${batch.partition}` }, Number(batch.offsetLag()));
      },
    });
    void logger;
    return consumer;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** Event topics exist before anyone subscribes (kafkajs cannot subscribe to a missing topic). */
  private ensureTopics(): Promise<void> {
    this.topicsReady ??= (async () => {
      const admin: Admin = this.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = EVENT_TYPES.map(eventTopic).filter((t) => !existing.has(t));
        if (missing.length) {
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3, replicationFactor: 1 })) });
        }
      } finally {
        await admin.disconnect();
      }
    })();
    return this.topicsReady;
  }

  private async dlqProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: true });
      await this.producer.connect();
    }
    return this.producer;
  }
}

/** Debezium's router sends the jsonb payload as a JSON string: one parse gives the string back. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
