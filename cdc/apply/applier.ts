import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isSnapshotEvent, qualifiedTable, type ChangeEvent } from '../events/change-event.ts';
import { ensureBookkeeping, readCheckpoint, writeCheckpoint } from './bookkeeping.ts';
import { foldBatch, type KeyedChange } from './fold-batch.ts';
import { cdcMetrics, type CdcMetrics } from './metrics.ts';
import { useReplicationOrigin } from './replication-origin.ts';
import { deleteSql, partialUpdateSql, upsertSql } from './record-set-sql.ts';
import { readTargetTable, type TargetColumn, type TargetTable } from './target-tables.ts';

export interface ApplierOptions {
  targetUrl: string;
  /** Label of the lag metrics, e.g. `legacy`. */
  sourceName: string;
  logger: Logger;
  registry: Registry;
  /**
   * Replication origin this applier's session writes under (e.g. `ficus_forward`): every row it
   * writes is tagged in the target's WAL, so a reader of the target (the reverse sync) can skip
   * it. Omit for a target nobody reads changes from.
   */
  origin?: string;
  /** Changes whose source.origin matches are loops and are not applied. Default: any `ficus_*`. */
  skipOrigin?: (origin: string) => boolean;
  /** Source `schema.table` → target `schema.table`, or null to ignore. Default: same name. */
  resolveTable?: (sourceTable: string) => string | null;
}

export interface Checkpoint {
  source: string;
  position: unknown;
}

export interface ApplyResult {
  applied: number;
  /** Older than the row in the target, or superseded in the same batch. */
  stale: number;
  /** Written by a Ficus applier (loop). */
  ownOrigin: number;
  /** Target commit time (ms since epoch). */
  committedAt: number;
  /** Updates whose row was missing and whose unchanged TOAST columns could not be filled. */
  missingRows: number;
}

/**
 * Applies change events (embedded reader or Debezium, it cannot tell) to a target database:
 * one transaction per batch, newest change per key only, never an older change over a newer
 * one (positions in ficus_cdc.row_position), the caller's checkpoint committed with the rows.
 * Whoever feeds it acknowledges its own source only after apply() resolved.
 */
export class ChangeApplier {
  readonly #options: ApplierOptions;
  readonly #metrics: CdcMetrics;
  readonly #skipOrigin: (origin: string) => boolean;
  #client: pg.Client | undefined;
  readonly #tables = new Map<string, TargetTable | null>();

  private constructor(options: ApplierOptions) {
    this.#options = options;
    this.#metrics = cdcMetrics(options.registry);
    this.#skipOrigin = options.skipOrigin ?? ((origin) => origin.startsWith('ficus_'));
  }

  static async open(options: ApplierOptions): Promise<ChangeApplier> {
    const applier = new ChangeApplier(options);
    await applier.#connection();
    return applier;
  }

  get metrics(): CdcMetrics {
    return this.#metrics;
  }

  async apply(events: readonly ChangeEvent[], checkpoint?: Checkpoint): Promise<ApplyResult> {
    const client = await this.#connection();
    const wanted = events.filter((e) => !(e.value.source.origin && this.#skipOrigin(e.value.source.origin)));
    const ownOrigin = events.length - wanted.length;
    for (const event of wanted) await this.#table(client, event);
    const { changes, superseded } = foldBatch(wanted, (e) => this.#tables.get(qualifiedTable(e.value)) ?? null);
    try {
      await client.query('BEGIN');
      const fresh = await this.#claimNewer(client, changes);
      const missingRows = await this.#write(client, fresh);
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
      await client.query('COMMIT');
      const committedAt = Date.now();
      this.#observe(fresh, committedAt);
      const stale = superseded + changes.length - fresh.length;
      if (stale) this.#metrics.eventsSkipped.inc({ reason: 'stale' }, stale);
      if (ownOrigin) this.#metrics.eventsSkipped.inc({ reason: 'own_origin' }, ownOrigin);
      return { applied: fresh.length, stale, ownOrigin, committedAt, missingRows };
    } catch (error) {
      this.#metrics.errors.inc({ stage: 'apply' });
      await this.#discardConnection(client);
      throw error;
    }
  }

  async readCheckpoint<T>(source: string): Promise<T | null> {
    return readCheckpoint<T>(await this.#connection(), source);
  }

  /**
   * Empties the target tables of `sourceTables` and forgets their row positions, with the
   * checkpoint, in one transaction: what a (re)started snapshot does before it reads anything,
   * so rows deleted in the source since an earlier, abandoned snapshot do not survive.
   */
  async resetTables(sourceTables: readonly string[], checkpoint?: Checkpoint): Promise<void> {
    const client = await this.#connection();
    const targets: TargetTable[] = [];
    for (const source of sourceTables) {
      const name = this.#resolve(source);
      if (!name) continue;
      if (!this.#tables.has(source)) this.#tables.set(source, await readTargetTable(client, name));
      targets.push(this.#tables.get(source)!);
    }
    try {
      await client.query('BEGIN');
      if (targets.length) await client.query(`TRUNCATE ${targets.map((t) => t.sql).join(', ')}`);
      await client.query('DELETE FROM ficus_cdc.row_position WHERE table_name = ANY($1::text[])', [targets.map((t) => t.qualified)]);
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
      await client.query('COMMIT');
    } catch (error) {
      this.#metrics.errors.inc({ stage: 'reset' });
      await this.#discardConnection(client);
      throw error;
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: this.#options.targetUrl, application_name: 'ficus_cdc_applier' });
    client.on('error', (error) => this.#options.logger.warn({ err: error }, 'applier connection lost'));
    await client.connect();
    try {
      await ensureBookkeeping(client);
      if (this.#options.origin) await useReplicationOrigin(client, this.#options.origin);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    return client;
  }

  async #discardConnection(client: pg.Client): Promise<void> {
    // After a failed statement the session may be mid-transaction or gone: start clean next time.
    if (this.#client === client) this.#client = undefined;
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  #resolve(sourceTable: string): string | null {
    return this.#options.resolveTable ? this.#options.resolveTable(sourceTable) : sourceTable;
  }

  async #table(client: pg.Client, event: ChangeEvent): Promise<void> {
    const source = qualifiedTable(event.value);
    if (this.#tables.has(source)) return;
    const name = this.#resolve(source);
    this.#tables.set(source, name ? await readTargetTable(client, name) : null);
  }

  /**
   * Records the positions of the changes that are newer than what the target holds and returns
   * exactly those: one statement, the ordering rule of row-position.ts written as the ON
   * CONFLICT condition (an upsert whose WHERE fails returns no row). Runs inside the batch's
   * transaction, so a rolled-back batch claims nothing.
   */
  async #claimNewer(client: pg.Client, changes: KeyedChange[]): Promise<KeyedChange[]> {
    if (changes.length === 0) return changes;
    const { rows } = await client.query<{ table_name: string; pk: string }>(
      `INSERT INTO ficus_cdc.row_position AS p (table_name, pk, lsn, snapshot, deleted)
       SELECT table_name, pk, lsn, snapshot, deleted
         FROM unnest($1::text[], $2::text[], $3::int8[], $4::bool[], $5::bool[]) AS c(table_name, pk, lsn, snapshot, deleted)
       ON CONFLICT (table_name, pk) DO UPDATE
          SET lsn = EXCLUDED.lsn, snapshot = EXCLUDED.snapshot, deleted = EXCLUDED.deleted
        WHERE (p.snapshot AND NOT EXCLUDED.snapshot)
           OR (p.snapshot = EXCLUDED.snapshot AND EXCLUDED.lsn > p.lsn)
       RETURNING p.table_name, p.pk`,
      [
        changes.map((c) => c.table.qualified),
        changes.map((c) => c.pk),
        changes.map((c) => c.position.lsn),
        changes.map((c) => c.position.snapshot),
        changes.map((c) => c.event.value.op === 'd'),
      ],
    );
    if (rows.length === changes.length) return changes;
    const claimed = new Set(rows.map((r) => `${r.table_name}\u0000${r.pk}`));
    return changes.filter((c) => claimed.has(`${c.table.qualified}\u0000${c.pk}`));
  }

  /** Deletes, full-row upserts, then partial updates: each one statement per table and column set. */
  async #write(client: pg.Client, changes: KeyedChange[]): Promise<number> {
    const groups = new Map<string, { table: TargetTable; kind: 'delete' | 'upsert' | 'partial'; columns: TargetColumn[]; rows: KeyedChange[] }>();
    for (const change of changes) {
      const kind = change.event.value.op === 'd' ? 'delete' : change.unavailable.length ? 'partial' : 'upsert';
      const names = kind === 'delete' ? [] : Object.keys(change.row).sort();
      const id = `${change.table.qualified}\u0000${kind}\u0000${names.join(',')}`;
      let group = groups.get(id);
      if (!group) {
        group = { table: change.table, kind, columns: names.map((n) => change.table.columns.get(n)!), rows: [] };
        groups.set(id, group);
      }
      group.rows.push(change);
    }
    let missingRows = 0;
    for (const { table, kind, columns, rows } of groups.values()) {
      const payload = JSON.stringify(rows.map((r) => r.row));
      if (kind === 'delete') await client.query(deleteSql(table), [payload]);
      else if (kind === 'upsert') await client.query(upsertSql(table, columns), [payload]);
      else {
        const found = await client.query(partialUpdateSql(table, columns), [payload]);
        missingRows += rows.length - (found.rowCount ?? 0);
      }
    }
    if (missingRows) {
      this.#metrics.errors.inc({ stage: 'missing_row_for_partial_update' }, missingRows);
      this.#options.logger.error({ missingRows }, 'updates without their unchanged TOAST values found no target row; re-snapshot these tables');
    }
    return missingRows;
  }

  #observe(changes: KeyedChange[], committedAt: number): void {
    const { eventsApplied, lagMs, batchSize } = this.#metrics;
    batchSize.observe(changes.length);
    const counts = new Map<string, { table: string; op: string; n: number }>();
    for (const { table, event } of changes) {
      const id = `${table.qualified}/${event.value.op}`;
      const entry = counts.get(id) ?? { table: table.qualified, op: event.value.op, n: 0 };
      entry.n++;
      counts.set(id, entry);
      if (!isSnapshotEvent(event.value)) lagMs.observe({ source: this.#options.sourceName }, committedAt - event.value.source.ts_ms);
    }
    for (const { table, op, n } of counts.values()) eventsApplied.inc({ table, op }, n);
  }
}
