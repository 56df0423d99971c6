import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventType } from '../events/event-types.ts';
import { EVENT_TYPES } from '../events/event-types.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import type { DeadLetterSink } from './dead-letters.ts';
import { eventTopic, registerOutboxConnector } from './debezium-outbox.ts';
import { backoffDelay, sleep } from '../../../platform/backoff.ts';
import { partitionByKey } from './key-partitions.ts';
import type { BusTransport, ConsumerSink, RunningConsumer } from './types.ts';

const DEFAULT_PARTITIONS = 3;
/** Events per handling round (one offset commit each). */
const CHUNK = 200;
/** Transactions one partition's chunk is split into (by key). */
const KEY_PARTS = 4;
/** How long startConsumer waits for the first group join before carrying on. */
const JOIN_WAIT_MS = 60_000;

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
    const groupId = `ficus.${service}.${sink.group}`;
    const topics = [...sink.types].map(eventTopic);
    await this.coordinatorReady(groupId, topics);
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    // A join is a stop for the whole group: its time and frequency explain lag spikes.
    let joined: () => void = () => undefined;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      logger.info({ group: sink.group, joinMs: payload.duration, partitions: payload.memberAssignment }, 'kafka consumer joined its group');
      joined();
    });
    // A consumer that crashes before its first join is restarted by startConsumer, which must not wait for a join that never comes.
    consumer.on(consumer.events.CRASH, () => joined());
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const { metrics } = this.options;
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      // kafkajs handles one partition's batch at a time by default, and fetches again only when
      // every batch of the last fetch is done: one slow partition held up the others, and the
      // whole group's throughput was one chain of handler round trips. Partitions are
      // independent (a key lives in one), so they are handled side by side.
      partitionsConsumedConcurrently: this.options.partitions ?? DEFAULT_PARTITIONS,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let from = 0; from < batch.messages.length; from += CHUNK) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(from, from + CHUNK);
          await deliverByKey(sink, chunk, batch.topic);
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          // After the handling transactions committed: a crash before this line means redelivery, which the inbox absorbs.
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          await heartbeat();
        }
        metrics.consumerLag.set({ service, group: sink.group, source: `${batch.topic}/${batch.partition}` }, Number(batch.offsetLag()));
      },
    });
    // Until the first join the consumer fetches nothing: a caller that starts publishing as soon
    // as this resolves would otherwise measure (or wait for) the join as relay lag.
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, JOIN_WAIT_MS, 'timeout').unref());
    if ((await Promise.race([firstJoin, timeout])) === 'timeout') logger.warn({ group: sink.group, waitedMs: JOIN_WAIT_MS }, 'kafka consumer has not joined its group yet; carrying on');
    return consumer;
  }

  /**
   * Right after the broker starts (or __consumer_offsets moves), the group coordinator answers
   * "loading" for a while. A consumer that runs into it crashes, restarts 300 ms later and joins
   * again: a stall of seconds while events pile up. An offset fetch goes to the same coordinator;
   * it is repeated here (kafkajs does not retry it) until the coordinator serves the group.
   */
  private async coordinatorReady(groupId: string, topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + JOIN_WAIT_MS;
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.fetchOffsets({ groupId, topics });
          return;
        } catch (error) {
          if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
          await sleep(backoffDelay(attempt - 1, { baseMs: 50, maxMs: 5_000 }));
        }
      }
    } finally {
      await admin.disconnect();
    }
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
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? DEFAULT_PARTITIONS, replicationFactor: 1 })) });
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

/**
 * One chunk of a partition as up to KEY_PARTS transactions at once, split by record key (the
 * outbox aggregate id), so each key keeps its order. A single chain of per-event handler round
 * trips is bound by latency, not CPU: on a busy machine each round trip waits for a core, and a
 * backlog built in a slow second took seconds to drain. Several chains overlap those waits (as
 * the embedded transport does). The offset moves only after every part committed; a crash in
 * between redelivers the chunk and the inbox skips what a committed part already handled.
 */
async function deliverByKey(sink: ConsumerSink, chunk: KafkaMessage[], topic: string): Promise<void> {
  const parts = partitionByKey(chunk, (m) => m.key?.toString('utf8') ?? '', KEY_PARTS);
  const outcomes = await Promise.allSettled(parts.map((part) => sink.deliver(part.map((m) => ({ raw: m.value ? parseValue(m.value.toString('utf8')) : null, source: topic })))));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Debezium's router sends the jsonb payload as a JSON string: one parse gives the string back. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
