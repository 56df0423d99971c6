import pg from 'pg';
import type { Logger } from 'pino';
import type { EventType } from '../events/event-types.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { sleep } from '../../../platform/backoff.ts';
import { deadLetterTable } from './dead-letters.ts';
import { partitionByKey } from './key-partitions.ts';
import { OutboxListener } from './outbox-listener.ts';
import { anyAfter, countAfter, readOutbox, START_OF_OUTBOX, type OutboxPosition, type OutboxRow } from './outbox-reader.ts';
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
/** Transactions one consumer group runs at once per source (see CursorLoop.deliverConcurrently). */
const PARTITIONS = 4;
const IDLE_POLL_MS = 1000;
const LAG_EVERY_MS = 2000;
/** How long one wait for the group's lock lasts before a standby checks whether it is stopping. */
const LOCK_WAIT_SLICE_MS = 500;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * The in-process bus (DESIGN §4, embedded): each consumer group reads the outbox of every
 * service that publishes one of its types, woken by LISTEN/NOTIFY, and stores how far it got in
 * its own database once a batch's handling transactions committed. Exactly-once is the inbox's
 * work, as in Kafka mode: a crash before the position is stored replays events whose effects
 * already committed, and the inbox row committed with those effects makes the replay a no-op.
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
    const sources = [...this.sources.values()].map((source) => ({ source, types: [...sink.types].filter((t) => source.publishes.has(t)) })).filter((s) => s.types.length);
    // Each loop holds its group's lock on a session for as long as it runs: those sessions come
    // from a pool of their own, one per loop, so that however many sources a group reads, the
    // service's pool keeps its connections for positions and handlers (a group reading as many
    // sources as that pool has connections took them all and waited forever for one more).
    const lockPool = new pg.Pool({ ...(pool.options as pg.PoolConfig), max: Math.max(1, sources.length), application_name: `ficus-bus-lock-${sink.group}`.slice(0, 63) });
    lockPool.on('error', (error) => logger.warn({ err: error }, 'a bus lock session failed'));
    const loops = sources.map(({ source, types }) => new CursorLoop(service, source, pool, lockPool, sink, types, logger, this.metrics, stopping.signal).run());
    return {
      async stop() {
        stopping.abort();
        await Promise.allSettled(loops);
        await lockPool.end();
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
    private readonly lockPool: pg.Pool,
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
        await sleep(IDLE_POLL_MS, this.stopping);
      }
    }
  }

  /**
   * Holds the group's advisory lock on a session of its own; it is released if this process dies.
   * A standby waits for the lock inside PostgreSQL (in slices, to notice `stopping`), so it takes
   * over as soon as a crashed owner's session ends instead of at its next poll.
   */
  private async whileOwner(): Promise<void> {
    const lockClient = await this.lockPool.connect();
    const lockKey = `${this.sink.group}@${this.source.service}`;
    let healthy = false;
    try {
      await lockClient.query(`SET lock_timeout = ${LOCK_WAIT_SLICE_MS}`);
      while (!(await this.tryLock(lockClient, lockKey))) {
        if (this.stopping.aborted) {
          healthy = true;
          return;
        }
      }
      try {
        await this.consume();
      } finally {
        await lockClient.query('SELECT pg_advisory_unlock($1, hashtext($2))', [BUS_LOCK_CLASS, lockKey]).catch(() => undefined);
      }
      healthy = true;
    } finally {
      if (healthy) await lockClient.query('RESET lock_timeout').catch(() => (healthy = false));
      // A session that failed mid-way may still hold the lock or a setting: do not hand it to others.
      lockClient.release(!healthy);
    }
  }

  /** Waits up to one lock_timeout slice for the lock. */
  private async tryLock(client: pg.PoolClient, lockKey: string): Promise<boolean> {
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [BUS_LOCK_CLASS, lockKey]);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
      throw error;
    }
  }

  private async consume(): Promise<void> {
    let position = await this.loadPosition();
    const { listener } = this.source;
    let next = this.read(position);
    while (!this.stopping.aborted) {
      const { seen, rows } = await next;
      this.reportLag(position);
      if (!rows.length) {
        // Rows past the horizon belong to transactions still open: look again shortly.
        if (await anyAfter(this.source.pool, position, this.types)) await sleep(10, this.stopping);
        else await listener.wait(seen, IDLE_POLL_MS, this.stopping);
        next = this.read(position);
        continue;
      }
      const last = rows[rows.length - 1]!;
      const after: OutboxPosition = { txId: last.tx_id, seq: last.seq };
      // Read the next batch (on the source's pool) while this one is handled (on the consumer's):
      // the read's round trip and row transfer overlap the handlers' work instead of adding to it.
      next = this.read(after);
      try {
        await this.deliverConcurrently(rows);
        await this.savePosition(after);
      } catch (error) {
        next.catch(() => undefined); // the read-ahead is dropped with the batch
        throw error;
      }
      position = after;
    }
    await next.catch(() => undefined);
  }

  /**
   * Handles one batch as up to PARTITIONS transactions at once, split by event key, so each key
   * keeps its order (the guarantee Kafka's partitions give, and all the Bus promises). One chain of
   * per-event round trips is bound by latency (each handler statement waits for PostgreSQL and,
   * in embedded mode, for an event loop shared with the publishers), not by CPU; several chains
   * overlap those waits. The position moves only when every part committed: a crash in between
   * replays the batch, and the inbox skips what a committed part already handled.
   */
  private async deliverConcurrently(rows: OutboxRow[]): Promise<void> {
    const parts = partitionByKey(rows, (row) => row.aggregate_id, PARTITIONS);
    const outcomes = await Promise.allSettled(parts.map((part) => this.sink.deliver(part.map((row) => ({ raw: row.payload, source: this.source.service })))));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async savePosition(position: OutboxPosition): Promise<void> {
    await this.consumerPool.query({
      name: 'ficus_bus_save_position',
      text: `INSERT INTO bus_positions (consumer_group, source, tx_id, seq) VALUES ($1, $2, $3::xid8, $4::bigint)
        ON CONFLICT (consumer_group, source) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq, updated_at = now()`,
      values: [this.sink.group, this.source.service, position.txId, position.seq],
    });
  }

  /** `seen` is the listener's count before the read: a NOTIFY after it means there may be more. */
  private read(after: OutboxPosition): Promise<{ seen: number; rows: OutboxRow[] }> {
    const seen = this.source.listener.count;
    return readOutbox(this.source.pool, after, this.types, BATCH).then((rows) => ({ seen, rows }));
  }

  private async loadPosition(): Promise<OutboxPosition> {
    const { rows } = await this.consumerPool.query<{ tx_id: string; seq: string }>(
      'SELECT tx_id::text, seq::text FROM bus_positions WHERE consumer_group = $1 AND source = $2',
      [this.sink.group, this.source.service],
    );
    return rows[0] ? { txId: rows[0].tx_id, seq: rows[0].seq } : START_OF_OUTBOX;
  }

  /** In the background: the count is a scan of the backlog, and handling should not wait for a metric. */
  private reportLag(position: OutboxPosition): void {
    if (Date.now() - this.lagCheckedAt < LAG_EVERY_MS) return;
    this.lagCheckedAt = Date.now();
    countAfter(this.source.pool, position, this.types).then(
      (lag) => this.metrics.consumerLag.set({ service: this.service, group: this.sink.group, source: this.source.service }, lag),
      (error: unknown) => this.log.debug({ err: error }, 'could not measure the consumer lag'),
    );
  }
}
