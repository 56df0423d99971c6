import pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { EventType } from '../events/event-types.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { sleep } from './backoff.ts';
import { deadLetterTable } from './dead-letters.ts';
import { OutboxListener } from './outbox-listener.ts';
import { anyAfter, countAfter, readOutbox, START_OF_OUTBOX, type OutboxPosition } from './outbox-reader.ts';
import type { BusTransport, ConsumerSink, RunningConsumer } from './types.ts';

interface Source {
  service: string;
  pool: pg.Pool;
  publishes: ReadonlySet<EventType>;
  listener: OutboxListener;
}

/** Advisory-lock class of the embedded bus: one active reader per (group, source), like a Kafka partition owner. */
const BUS_LOCK_CLASS = 0x627573; // "bus"
const BATCH = 500;
const IDLE_POLL_MS = 1000;
const LAG_EVERY_MS = 2000;

/**
 * The in-process bus (DESIGN §4, embedded): each consumer group reads the outbox of every
 * service that publishes one of its types, woken by LISTEN/NOTIFY, and stores how far it got
 * in its own database, in the transaction that handled the events. So progress is durable and
 * moves exactly with the handled events; the inbox still dedupes, as it must for Kafka.
 *
 * Why not the CDC reader: `cdc/embedded` did not exist when this was written. The outbox poller
 * needs no replication slot per consumer group and reads in commit-safe order (outbox-reader.ts).
 */
export class EmbeddedTransport implements BusTransport {
  readonly kind = 'embedded';
  private readonly sources = new Map<string, Source>();
  private readonly ownedPools: pg.Pool[] = [];

  constructor(private readonly logger: Logger, private readonly metrics: KitMetrics) {}

  deadLetters() {
    return deadLetterTable;
  }

  /** `pool` may be omitted when this process only reads the outbox (e.g. a consumer process). */
  async addPublisher({ service, url, pool, publishes }: { service: string; url: string; pool?: pg.Pool; publishes: readonly EventType[] }): Promise<void> {
    if (this.sources.has(service)) return;
    let readPool = pool;
    if (!readPool) {
      readPool = new pg.Pool({ connectionString: url, max: 4, application_name: `ficus-bus-read-${service}` });
      readPool.on('error', (error) => this.logger.warn({ err: error }, 'outbox read connection failed'));
      this.ownedPools.push(readPool);
    }
    this.sources.set(service, { service, pool: readPool, publishes: new Set(publishes), listener: new OutboxListener(url, this.logger) });
  }

  async startConsumer({ service, pool, sink, logger }: { service: string; pool: pg.Pool; sink: ConsumerSink; logger: Logger }): Promise<RunningConsumer> {
    const stopping = new AbortController();
    const loops: Promise<void>[] = [];
    for (const source of this.sources.values()) {
      const types = [...sink.types].filter((t) => source.publishes.has(t));
      if (!types.length) continue;
      loops.push(new CursorLoop(service, source, pool, sink, types, logger, this.metrics, stopping.signal).run());
    }
    return {
      async stop() {
        stopping.abort();
        await Promise.allSettled(loops);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.listener.close()));
    this.sources.clear();
    await Promise.all(this.ownedPools.map((p) => p.end()));
  }
}

/** One consumer group reading one source's outbox. */
class CursorLoop {
  private readonly log: Logger;
  private lagCheckedAt = 0;

  constructor(
    private readonly service: string,
    private readonly source: Source,
    private readonly consumerPool: pg.Pool,
    private readonly sink: ConsumerSink,
    private readonly types: string[],
    logger: Logger,
    private readonly metrics: KitMetrics,
    private readonly stopping: AbortSignal,
  ) {
    this.log = logger.child({ group: sink.group, source: source.service });
  }

  async run(): Promise<void> {
    while (!this.stopping.aborted) {
      try {
        await this.whileOwner();
      } catch (error) {
        if (!this.stopping.aborted) this.log.warn({ err: error }, 'embedded consumer failed; restarting it');
      }
      await sleep(IDLE_POLL_MS, this.stopping);
    }
  }

  /** Holds the group's advisory lock on a session of its own; it is released if this process dies. */
  private async whileOwner(): Promise<void> {
    const lockClient = await this.consumerPool.connect();
    const lockKey = `${this.sink.group}@${this.source.service}`;
    try {
      const { rows } = await lockClient.query<{ owner: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS owner', [BUS_LOCK_CLASS, lockKey]);
      if (!rows[0]?.owner) return; // another process reads this source for the group
      try {
        await this.consume();
      } finally {
        await lockClient.query('SELECT pg_advisory_unlock($1, hashtext($2))', [BUS_LOCK_CLASS, lockKey]).catch(() => undefined);
      }
    } finally {
      lockClient.release();
    }
  }

  private async consume(): Promise<void> {
    let position = await this.loadPosition();
    const { listener } = this.source;
    while (!this.stopping.aborted) {
      const seen = listener.count;
      const rows = await readOutbox(this.source.pool, position, this.types, BATCH);
      await this.reportLag(position);
      if (!rows.length) {
        // Rows past the horizon belong to transactions still open: look again shortly.
        if (await anyAfter(this.source.pool, position, this.types)) await sleep(10, this.stopping);
        else await listener.wait(seen, IDLE_POLL_MS, this.stopping);
        continue;
      }
      await this.sink.deliver(
        rows.map((row) => ({ raw: row.payload, source: this.source.service })),
        async (trx, lastIndex) => {
          const row = rows[lastIndex]!;
          await sql`INSERT INTO bus_positions (consumer_group, source, tx_id, seq) VALUES (${this.sink.group}, ${this.source.service}, ${row.tx_id}::xid8, ${row.seq}::bigint)
            ON CONFLICT (consumer_group, source) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq, updated_at = now()`.execute(trx);
        },
      );
      const last = rows[rows.length - 1]!;
      position = { txId: last.tx_id, seq: last.seq };
    }
  }

  private async loadPosition(): Promise<OutboxPosition> {
    const { rows } = await this.consumerPool.query<{ tx_id: string; seq: string }>(
      'SELECT tx_id::text, seq::text FROM bus_positions WHERE consumer_group = $1 AND source = $2',
      [this.sink.group, this.source.service],
    );
    return rows[0] ? { txId: rows[0].tx_id, seq: rows[0].seq } : START_OF_OUTBOX;
  }

  private async reportLag(position: OutboxPosition): Promise<void> {
    if (Date.now() - this.lagCheckedAt < LAG_EVERY_MS) return;
    this.lagCheckedAt = Date.now();
    const lag = await countAfter(this.source.pool, position, this.types);
    this.metrics.consumerLag.set({ service: this.service, group: this.sink.group, source: this.source.service }, lag);
  }
}
