import { Kafka, logLevel, type Consumer, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { ApplyResult, ChangeApplier } from '../apply/applier.ts';
import type { ChangeEvent } from '../events/change-event.ts';
import { decodeDebeziumRecord } from './debezium-record.ts';

export interface KafkaSourceOptions {
  /** `host:port,…` */
  brokers: string;
  /** Consumer group; its committed offsets are how far the target is known to be applied. */
  groupId: string;
  /** Debezium topics (DebeziumCapture.topics). */
  topics: readonly string[];
  applier: ChangeApplier;
  logger: Logger;
  clientId?: string;
  /** DEFAULT-identity tables (DebeziumCapture.defaultIdentityTables): their deletes carry the key only. */
  keyOnlyDeleteTables?: readonly string[];
  /**
   * How long the broker waits for a killed member before handing its partitions to a new one.
   * A restarted consumer cannot start before that. Default 6000 (the broker's minimum).
   */
  sessionTimeoutMs?: number;
  /** Upper bound of one fetch per partition, hence of one applied batch. Default 4 MiB. */
  maxBytesPerPartition?: number;
  onApplied?: (events: readonly ChangeEvent[], result: ApplyResult) => void;
}

/**
 * Debezium topics → the same ChangeApplier the embedded reader feeds. Each fetched batch of a
 * partition is one applier transaction, and its offsets are committed to Kafka only after that
 * transaction committed: a consumer killed in between gets the batch again, and the applier's
 * row positions skip what it already holds (equal LSN = replay), so nothing is lost or applied
 * twice. Ordering is Debezium's: one partition per table, in WAL order per key.
 */
export class KafkaSource {
  readonly #o: KafkaSourceOptions;
  readonly #keyOnly: ReadonlySet<string>;
  #consumer: Consumer | undefined;
  #joined!: () => void;
  /** Resolves when the consumer has joined its group and been given the partitions. */
  readonly ready: Promise<void>;

  constructor(options: KafkaSourceOptions) {
    this.#o = options;
    this.#keyOnly = new Set(options.keyOnlyDeleteTables ?? []);
    this.ready = new Promise((resolve) => (this.#joined = resolve));
  }

  async start(): Promise<void> {
    const { logger } = this.#o;
    const kafka = new Kafka({
      clientId: this.#o.clientId ?? 'ficus-cdc',
      brokers: this.#o.brokers.split(','),
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => logger.warn({ kafkajs: entry.log, namespace: entry.namespace }, `kafkajs: ${entry.log.message}`),
    });
    const consumer = kafka.consumer({
      groupId: this.#o.groupId,
      sessionTimeout: this.#o.sessionTimeoutMs ?? 6_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: this.#o.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.#joined());
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.#o.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (batch.messages.length === 0 || !isRunning() || isStale()) return;
        const events: ChangeEvent[] = [];
        for (const message of batch.messages) {
          const event = decodeDebeziumRecord(message.key, message.value, this.#keyOnly);
          if (event) events.push(event);
        }
        const result = await this.#o.applier.apply(events);
        this.#o.onApplied?.(events, result);
        const last = batch.messages[batch.messages.length - 1]!.offset;
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        await heartbeat();
      },
    });
  }

  /** Finishes the batch being applied (and its offset commit), then leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
  }
}
