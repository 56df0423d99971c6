import pg from 'pg';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import type { ApplyResult, ChangeApplier, Checkpoint } from '../../../cdc/apply/applier.ts';
import { ensureBookkeeping, readCheckpoint, writeCheckpoint } from '../../../cdc/apply/bookkeeping.ts';
import { cdcMetrics } from '../../../cdc/apply/metrics.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import type { ChangeEvent } from '../../../cdc/events/change-event.ts';

/**
 * One row change of the monolith's tables as a consumer sees it: which row of which table, what
 * happened, and when its transaction committed at the source. Only integer primary keys (`id`,
 * every Odoo model's table); snapshot reads are not changes.
 */
export interface RowChange {
  table: string;
  id: number;
  op: 'c' | 'u' | 'd';
  /** Commit time at the source (ms since epoch): lag is measured from here. */
  committedAtMs: number;
  /**
   * The row's primary key as the change carries it; for a relation table's row (no `id`, e.g. a
   * many2many's (content_id, tag_id), handed only when the feed names it in relationTables) the
   * only way to tell which rows it links, and `id` is 0.
   */
  key?: Readonly<Record<string, unknown>>;
}

/**
 * The row changes among change events (Debezium envelope, either transport): snapshot reads and
 * rows without an integer `id` left out, except rows of `relationTables` (handed with id 0).
 */
export function rowChangesOf(events: readonly ChangeEvent[], relationTables: ReadonlySet<string> = new Set()): RowChange[] {
  const changes: RowChange[] = [];
  for (const event of events) {
    const { op, source } = event.value;
    if (op === 'r') continue;
    const id = event.key.id;
    if (relationTables.has(source.table)) {
      changes.push({ table: source.table, id: 0, op, committedAtMs: source.ts_ms, key: event.key });
      continue;
    }
    if (typeof id !== 'number' || !Number.isInteger(id)) continue;
    changes.push({ table: source.table, id, op, committedAtMs: source.ts_ms, key: event.key });
  }
  return changes;
}

export interface RowChangeFeedOptions {
  /** The monolith's database (wal_level=logical). */
  sourceUrl: string;
  /** Where the feed keeps its checkpoint (the consuming service's database, schema ficus_cdc). */
  consumerUrl: string;
  /** Slot and publication `ficus_<purpose>`. */
  purpose: string;
  /** Unqualified table names of the monolith to watch. */
  tables: readonly string[];
  /** Relation tables (no `id` column, e.g. many2many tables) to watch as well: their changes come with id 0 and their key. */
  relationTables?: readonly string[];
  /** Handles one batch of row changes in source order; a failure is retried with the same batch (at least once). */
  handle(changes: readonly RowChange[]): Promise<void>;
  logger: Logger;
  metrics: Registry;
  batchSize?: number;
  maxDelayMs?: number;
  heartbeatIntervalMs?: number;
}

const lagHistograms = new WeakMap<Registry, Histogram<'feed'>>();
/** The feeds' lag histogram of `registry` (registered once; the runtime registers it at start so dashboards find it before any feed runs). */
export function rowChangeFeedLag(registry: Registry): Histogram<'feed'> {
  let histogram = lagHistograms.get(registry);
  if (!histogram) {
    histogram = new Histogram({
      name: 'ficus_row_change_feed_lag_ms', help: 'Source commit of a row change to the end of its handling, milliseconds', labelNames: ['feed'],
      buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000], registers: [registry],
    });
    lagHistograms.set(registry, histogram);
  }
  return histogram;
}

/**
 * A service's consumer of row changes of the monolith's tables (not domain events: rows as they
 * change, whatever wrote them — Odoo, a forward-synced client call, the reverse sync of a moved
 * module), on the same change stream as the sync: the embedded logical-replication reader on its
 * own slot. What the reader takes for an applier is this feed's sink: each batch is handed to
 * `handle`, then the reader's position is stored in the consumer's database, so a feed killed
 * in between hands the batch again (handlers are idempotent). No snapshot is read (rows that
 * existed before the feed started are not changes), so a first start is a slot creation. In distributed mode the Kafka source
 * (cdc/distributed/kafka-source.ts) takes the same sink (`asApplier()`).
 */
export class RowChangeFeed {
  readonly #o: RowChangeFeedOptions;
  readonly #source: EmbeddedSource;
  readonly #lag: Histogram<'feed'>;
  readonly #relationTables: ReadonlySet<string>;
  #client: pg.Client | undefined;
  /** Row changes handled since start. */
  handled = 0;

  constructor(options: RowChangeFeedOptions) {
    this.#o = options;
    this.#lag = rowChangeFeedLag(options.metrics);
    this.#relationTables = new Set(options.relationTables ?? []);
    this.#source = new EmbeddedSource({
      sourceUrl: options.sourceUrl, purpose: options.purpose, tables: [...options.tables, ...(options.relationTables ?? [])].map((t) => `public.${t}`), applier: this.asApplier(), logger: options.logger,
      snapshotMode: 'no_data', batchSize: options.batchSize ?? 2000, maxDelayMs: options.maxDelayMs ?? 20, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
    });
  }

  /** Resolves once the feed streams (its first start only creates the slot: rows that existed before are not changes). */
  get ready(): Promise<void> {
    return this.#source.ready;
  }

  start(): void {
    this.#source.start();
  }

  /** Finishes the batch in hand; the slot keeps what comes next. */
  async stop(): Promise<void> {
    await this.#source.stop();
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }

  /** Drops the slot and publication (after stop). */
  remove(): Promise<void> {
    return this.#source.remove();
  }

  asApplier(): ChangeApplier {
    const sink = {
      metrics: cdcMetrics(this.#o.metrics),
      readCheckpoint: async <T>(source: string) => readCheckpoint<T>(await this.#connection(), source),
      resetTables: async (_tables: readonly string[], checkpoint?: Checkpoint) => {
        if (checkpoint) await writeCheckpoint(await this.#connection(), checkpoint.source, checkpoint.position);
      },
      apply: (events: readonly ChangeEvent[], checkpoint?: Checkpoint) => this.#apply(events, checkpoint),
      close: async () => undefined,
    };
    return sink as unknown as ChangeApplier;
  }

  async #apply(events: readonly ChangeEvent[], checkpoint?: Checkpoint): Promise<ApplyResult> {
    const changes = rowChangesOf(events, this.#relationTables);
    if (changes.length) {
      await this.#o.handle(changes);
      const done = Date.now();
      for (const change of changes) this.#lag.observe({ feed: this.#o.purpose }, done - change.committedAtMs);
      this.handled += changes.length;
    }
    if (checkpoint) await writeCheckpoint(await this.#connection(), checkpoint.source, checkpoint.position);
    return { applied: changes.length, stale: 0, ownOrigin: 0, committedAt: Date.now(), missingRows: 0 };
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: this.#o.consumerUrl, application_name: `ficus_feed_${this.#o.purpose}` });
    client.on('error', () => undefined);
    await client.connect();
    await ensureBookkeeping(client);
    this.#client = client;
    return client;
  }
}
