import pg from 'pg';
import type { Logger } from 'pino';
import type { ApplyResult, ChangeApplier } from '../apply/applier.ts';
import type { ChangeEvent } from '../events/change-event.ts';
import { dropPublication, ensurePublication } from '../setup/publication.ts';
import { ensureReplicaIdentityFull } from '../setup/replica-identity.ts';
import { backoffDelay, sleep } from '../../platform/backoff.ts';
import { startHeartbeat } from './heartbeat.ts';
import { PgoutputDecoder } from './pgoutput-decoder.ts';
import { createSlotWithSnapshot, dropSlot, readSlot } from './slot.ts';
import { readSnapshot } from './snapshot-reader.ts';
import { readPrimaryKeys } from './source-tables.ts';
import { StreamSession } from './stream-session.ts';
import { withSetupClient } from '../setup/setup-client.ts';

export interface EmbeddedSourceOptions {
  sourceUrl: string;
  /** Slot and publication are both named `ficus_<purpose>`, e.g. `ficus_forward`. */
  purpose: string;
  /** Qualified `schema.table` names to capture. */
  tables: readonly string[];
  applier: ChangeApplier;
  logger: Logger;
  /** source.name of the events (Debezium's topic.prefix). Default `ficus`. */
  serverName?: string;
  /** Tables to set to REPLICA IDENTITY FULL first (see setup/replica-identity.ts). Default none. */
  replicaIdentityFull?: readonly string[];
  /** Changes per applied batch. Default 2000. */
  batchSize?: number;
  /** Longest a change waits in a batch. Default 20 ms. */
  maxDelayMs?: number;
  snapshotBatchRows?: number;
  /**
   * Debezium's snapshot.mode: `initial` (default) reads every table's rows at the slot's
   * consistent point before streaming; `no_data` only creates the slot and streams from there,
   * for consumers of changes that drop snapshot reads anyway (a first start then costs nothing).
   */
  snapshotMode?: 'initial' | 'no_data';
  heartbeatIntervalMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After each applied batch (benchmarks measure lag here). */
  onApplied?: (events: readonly ChangeEvent[], result: ApplyResult) => void;
}

/** What the reader keeps in the target's ficus_cdc.checkpoint, committed with each batch. */
export interface EmbeddedCheckpoint {
  slot: string;
  tables: string[];
  /** The slot's consistent point: the snapshot shows the source exactly there. */
  snapshotLsn: number;
  snapshotDone: boolean;
  /** End LSN of the last source commit applied. */
  lsn: number;
}

/**
 * The embedded CDC reader: publication + slot named ficus_<purpose> in the source, an initial
 * snapshot consistent with the slot, then pgoutput streaming into the applier, reconnecting with
 * exponential backoff for as long as it runs. Progress lives in the target (checkpoint) and in
 * the slot (confirmed only after the target committed), so a killed reader resumes where the
 * target stands, and a reader killed mid-snapshot starts the snapshot over.
 */
export class EmbeddedSource {
  readonly #o: EmbeddedSourceOptions & { serverName: string };
  readonly slotName: string;
  #session: StreamSession | undefined;
  #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #heartbeat: { stop(): Promise<void> } | undefined;
  #ready!: () => void;
  /** Resolves once the snapshot is complete and the first streaming session started. */
  readonly ready: Promise<void>;

  constructor(options: EmbeddedSourceOptions) {
    if (!/^[a-z0-9_]+$/.test(options.purpose)) throw new Error(`purpose must be [a-z0-9_]+, got ${options.purpose}`);
    this.#o = { serverName: 'ficus', ...options };
    this.slotName = `ficus_${options.purpose}`;
    this.ready = new Promise((resolve) => (this.#ready = resolve));
  }

  start(): void {
    if (this.#loop) return;
    const metrics = this.#o.applier.metrics;
    this.#heartbeat = startHeartbeat({
      url: this.#o.sourceUrl,
      intervalMs: this.#o.heartbeatIntervalMs ?? 10_000,
      logger: this.#o.logger,
      lastMessageAt: () => this.#session?.lastMessageAt ?? Date.now(),
      appliedLsn: () => this.#session?.acknowledged ?? 0,
      onLagBytes: (bytes) => metrics.lagWalBytes.set({ source: this.slotName }, bytes),
    });
    this.#loop = this.#run();
  }

  /** Applies what is buffered, closes the replication connection; the slot stays. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#session?.stop();
    await this.#loop;
    await this.#heartbeat?.stop();
  }

  /** Drops the slot and the publication (the reader must be stopped): nothing is left in the source. */
  async remove(): Promise<void> {
    await withSetupClient(this.#o.sourceUrl, async (client) => {
      await dropSlot(client, this.slotName);
      await dropPublication(client, this.slotName);
    });
  }

  async #run(): Promise<void> {
    let attempt = 0;
    const { logger, applier } = this.#o;
    while (!this.#stopping.signal.aborted) {
      const started = Date.now();
      try {
        const { checkpoint, decoder } = await this.#prepare();
        if (this.#stopping.signal.aborted) break;
        const session = new StreamSession({
          url: this.#o.sourceUrl,
          slot: this.slotName,
          publication: this.slotName,
          startLsn: checkpoint.lsn,
          decoder,
          applier,
          checkpoint: (lsn) => ({ source: this.slotName, position: { ...checkpoint, lsn } satisfies EmbeddedCheckpoint }),
          batchSize: this.#o.batchSize ?? 2000,
          maxDelayMs: this.#o.maxDelayMs ?? 20,
          logger,
          ...(this.#o.onApplied ? { onApplied: this.#o.onApplied } : {}),
          onError: (stage) => applier.metrics.errors.inc({ stage }),
        });
        this.#session = session;
        logger.info({ slot: this.slotName, startLsn: checkpoint.lsn }, 'cdc streaming');
        this.#ready();
        await session.run();
      } catch (error) {
        if (this.#stopping.signal.aborted) break;
        if (Date.now() - started > 30_000) attempt = 0; // it was healthy for a while: start backing off from the bottom
        const delay = backoffDelay(attempt++, { baseMs: this.#o.backoffBaseMs ?? 200, maxMs: this.#o.backoffMaxMs ?? 10_000 });
        applier.metrics.errors.inc({ stage: 'source' });
        logger.warn({ err: error, slot: this.slotName, retryInMs: delay }, 'cdc reader interrupted; reconnecting');
        await sleep(delay, this.#stopping.signal);
      }
    }
  }

  /** Publication, replica identity, and a snapshot unless the target already holds a complete one for this slot. */
  async #prepare(): Promise<{ checkpoint: EmbeddedCheckpoint; decoder: PgoutputDecoder }> {
    const { sourceUrl, tables, applier } = this.#o;
    return withSetupClient(sourceUrl, async (client) => {
      const full = (this.#o.replicaIdentityFull ?? []).filter((t) => tables.includes(t));
      const altered = await ensureReplicaIdentityFull(client, full);
      if (altered.length) this.#o.logger.info({ tables: altered }, 'set REPLICA IDENTITY FULL');
      await ensurePublication(client, { name: this.slotName, tables });
      const primaryKeys = await readPrimaryKeys(client, tables);
      const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
      const decoder = new PgoutputDecoder({ serverName: this.#o.serverName, db }, primaryKeys);

      const stored = await applier.readCheckpoint<EmbeddedCheckpoint>(this.slotName);
      const slot = await readSlot(client, this.slotName);
      const usable =
        slot !== null &&
        stored !== null &&
        stored.snapshotDone &&
        sameTables(stored.tables, tables) &&
        slot.walStatus !== 'lost' &&
        (slot.confirmedFlushLsn ?? 0) >= stored.snapshotLsn;
      if (usable) return { checkpoint: stored, decoder };

      if (slot) {
        this.#o.logger.warn({ slot: this.slotName }, 'slot without a complete snapshot in the target: starting over');
        await dropSlot(client, this.slotName);
      }
      const checkpoint = await this.#snapshot(primaryKeys, db);
      return { checkpoint, decoder };
    });
  }

  async #snapshot(primaryKeys: Map<string, string[]>, db: string): Promise<EmbeddedCheckpoint> {
    const { sourceUrl, tables, applier, logger } = this.#o;
    const created = await createSlotWithSnapshot(sourceUrl, this.slotName);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await created.release();
    };
    try {
      const base: EmbeddedCheckpoint = { slot: this.slotName, tables: [...tables], snapshotLsn: created.consistentPoint, snapshotDone: false, lsn: 0 };
      await applier.resetTables(tables, { source: this.slotName, position: base });
      const startedAt = Date.now();
      let rows = 0;
      if (this.#o.snapshotMode !== 'no_data') for await (const { events } of readSnapshot({
        url: sourceUrl,
        snapshotName: created.snapshotName,
        consistentPoint: created.consistentPoint,
        tables,
        primaryKeys,
        identity: { serverName: this.#o.serverName, db },
        batchRows: this.#o.snapshotBatchRows ?? 5000,
        onImported: release,
      })) {
        if (this.#stopping.signal.aborted) throw new Error('stopped during the snapshot');
        const result = await applier.apply(events);
        this.#o.onApplied?.(events, result);
        rows += events.length;
      }
      const done: EmbeddedCheckpoint = { ...base, snapshotDone: true, lsn: created.consistentPoint };
      await applier.apply([], { source: this.slotName, position: done });
      logger.info({ slot: this.slotName, rows, ms: Date.now() - startedAt }, 'cdc snapshot complete');
      return done;
    } finally {
      await release().catch(() => undefined);
    }
  }
}

function sameTables(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

