import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isSnapshotEvent, qualifiedTable, type ChangeEvent } from '../events/change-event.ts';
import { ensureBookkeeping, readCheckpoint, writeCheckpoint } from './bookkeeping.ts';
import { foldBatch, type KeyedChange } from './fold-batch.ts';
import { cdcMetrics, type CdcMetrics } from './metrics.ts';
import { countOpenParked, openParkedKeys, parkChange, readOpenParked, refusalOf, refusedAgain, resolveParked, supersedeParked, type Refusal } from './parked-changes.ts';
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
  /**
   * A change the target refuses (integrity or data error of that row): `halt` (default) fails
   * the batch, which its source retries whole; `park` keeps it in ficus_cdc.parked_change
   * (parked-changes.ts), counts and logs it (table, key, error; never the row's values), and
   * applies the changes around it.
   */
  onRefused?: 'halt' | 'park';
  /**
   * With parking: how often a batch first tries the open parked changes again (their cause may
   * have gone: the missing row arrived, often in the next batch of another table). Default 1 s; only while some are open.
   */
  retryParkedEveryMs?: number;
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
  /** Refused by the target and parked (option `onRefused: 'park'`). */
  parked?: number;
}

export interface RetryParkedResult {
  applied: number;
  /** A newer change of the row was applied meanwhile. */
  superseded: number;
  stillParked: number;
}

/** What a partial update of a row whose earlier change is parked is parked with. */
const BEHIND_PARKED: Refusal = { code: 'behind', constraint: null, message: 'an earlier change of this row is parked; this update leaves columns out and needs it' };

/** A pg error's DETAIL prints the row's values: what goes to logs keeps the rest. */
function withoutRowValues(error: unknown): unknown {
  const e = error as { detail?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object' || !e.detail) return error;
  const { code, table, constraint, column, schema } = e as Record<string, unknown>;
  return Object.assign(new Error(String(e.message ?? 'the target refused a change')), { code, table, constraint, column, schema });
}

const isPartial = (change: KeyedChange) => change.event.value.op !== 'd' && change.unavailable.length > 0;
const keyOf = (change: KeyedChange) => `${change.table.qualified}\u0000${change.pk}`;

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
  /** Open parked changes of this source, as of the last commit (0 lets a batch skip the parked-key lookup). */
  #openParked = 0;
  #lastRetry = Date.now();

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
    await this.#retryParkedWhenDue();
    const client = await this.#connection();
    const wanted = events.filter((e) => !(e.value.source.origin && this.#skipOrigin(e.value.source.origin)));
    const ownOrigin = events.length - wanted.length;
    for (const event of wanted) await this.#table(client, event);
    const { changes, superseded } = foldBatch(wanted, (e) => this.#tables.get(qualifiedTable(e.value)) ?? null);
    // Nothing to write (a heartbeat, a drain marker, or only this pair's own loops, as every batch
    // of a reverse reader whose changes are the forward applier's): the checkpoint alone, one
    // statement, atomic by itself, instead of BEGIN, upsert, COMMIT for each such batch.
    if (!changes.length) return this.#checkpointOnly(client, checkpoint, superseded, ownOrigin);
    let held: KeyedChange[] = [];
    try {
      await client.query('BEGIN');
      const parkedKeys = await this.#parkedKeys(client, changes);
      held = changes.filter((c) => parkedKeys.has(keyOf(c)) && isPartial(c));
      const fresh = await this.#claimNewer(client, held.length ? changes.filter((c) => !held.includes(c)) : changes);
      const missingRows = await this.#write(client, fresh);
      for (const change of held) await parkChange(client, this.#options.sourceName, change, BEHIND_PARKED);
      const settled = parkedKeys.size ? await supersedeParked(client, this.#options.sourceName, fresh.filter((c) => parkedKeys.has(keyOf(c)))) : 0;
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
      await client.query('COMMIT');
      const committedAt = Date.now();
      this.#observe(fresh, committedAt);
      if (held.length || settled) await this.#afterParking(client, held.map((change) => ({ change, refusal: BEHIND_PARKED })));
      const stale = superseded + changes.length - held.length - fresh.length;
      if (stale) this.#metrics.eventsSkipped.inc({ reason: 'stale' }, stale);
      if (ownOrigin) this.#metrics.eventsSkipped.inc({ reason: 'own_origin' }, ownOrigin);
      return { applied: fresh.length, stale, ownOrigin, committedAt, missingRows, parked: held.length };
    } catch (error) {
      if (this.#options.onRefused === 'park' && changes.length && refusalOf(error)) {
        // The row's own fault: apply the batch again change by change, parking what is refused.
        await client.query('ROLLBACK');
        return this.#applyOneByOne(client, changes, wanted, superseded, ownOrigin, checkpoint);
      }
      this.#metrics.errors.inc({ stage: 'apply' });
      await this.#discardConnection(client);
      throw withoutRowValues(error);
    }
  }

  async #checkpointOnly(client: pg.Client, checkpoint: Checkpoint | undefined, stale: number, ownOrigin: number): Promise<ApplyResult> {
    try {
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
    } catch (error) {
      this.#metrics.errors.inc({ stage: 'apply' });
      await this.#discardConnection(client);
      throw withoutRowValues(error);
    }
    const committedAt = Date.now();
    this.#observe([], committedAt);
    if (stale) this.#metrics.eventsSkipped.inc({ reason: 'stale' }, stale);
    if (ownOrigin) this.#metrics.eventsSkipped.inc({ reason: 'own_origin' }, ownOrigin);
    return { applied: 0, stale, ownOrigin, committedAt, missingRows: 0, parked: 0 };
  }

  /**
   * The slow path of a batch with a refused change: in source order, each change in its own
   * savepoint; a refused one is parked instead, and the batch, its checkpoint with it, commits.
   */
  async #applyOneByOne(
    client: pg.Client,
    changes: readonly KeyedChange[],
    wanted: readonly ChangeEvent[],
    superseded: number,
    ownOrigin: number,
    checkpoint?: Checkpoint,
  ): Promise<ApplyResult> {
    const order = new Map(wanted.map((e, i) => [e, i]));
    const ordered = [...changes].sort((a, b) => order.get(a.event)! - order.get(b.event)!);
    const source = this.#options.sourceName;
    const applied: KeyedChange[] = [];
    const parked: { change: KeyedChange; refusal: Refusal }[] = [];
    let missingRows = 0;
    let stale = superseded;
    try {
      await client.query('BEGIN');
      const parkedKeys = await this.#parkedKeys(client, ordered);
      for (const change of ordered) {
        if (parkedKeys.has(keyOf(change)) && isPartial(change)) {
          await parkChange(client, source, change, BEHIND_PARKED);
          parked.push({ change, refusal: BEHIND_PARKED });
          continue;
        }
        await client.query('SAVEPOINT ficus_change');
        try {
          const fresh = await this.#claimNewer(client, [change]);
          if (fresh.length) {
            missingRows += await this.#write(client, fresh);
            if (parkedKeys.has(keyOf(change))) await supersedeParked(client, source, fresh);
            applied.push(change);
          } else stale++;
          await client.query('RELEASE SAVEPOINT ficus_change');
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal) throw error;
          await client.query('ROLLBACK TO SAVEPOINT ficus_change');
          await parkChange(client, source, change, refusal);
          parked.push({ change, refusal });
        }
      }
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
      await client.query('COMMIT');
    } catch (error) {
      this.#metrics.errors.inc({ stage: 'apply' });
      await this.#discardConnection(client);
      throw withoutRowValues(error);
    }
    const committedAt = Date.now();
    this.#observe(applied, committedAt);
    await this.#afterParking(client, parked);
    if (stale) this.#metrics.eventsSkipped.inc({ reason: 'stale' }, stale);
    if (ownOrigin) this.#metrics.eventsSkipped.inc({ reason: 'own_origin' }, ownOrigin);
    return { applied: applied.length, stale, ownOrigin, committedAt, missingRows, parked: parked.length };
  }

  /**
   * Applies this source's open parked changes again, oldest first, once their cause is fixed (a
   * missing row created, a constraint relaxed): applied ones are resolved, those a newer change
   * already decided are superseded, and a key refused again keeps its later changes parked.
   */
  async retryParked(): Promise<RetryParkedResult> {
    const client = await this.#connection();
    const source = this.#options.sourceName;
    const result: RetryParkedResult = { applied: 0, superseded: 0, stillParked: 0 };
    const applied: KeyedChange[] = [];
    try {
      const open = await readOpenParked(client, source);
      for (const { event } of open) await this.#table(client, event);
      const blocked = new Set<string>();
      await client.query('BEGIN');
      for (const { id, event } of open) {
        const [change] = foldBatch([event], (e) => this.#tables.get(qualifiedTable(e.value)) ?? null).changes;
        if (!change) {
          // The table is no longer one this applier writes: nothing left to apply it to.
          await resolveParked(client, id, 'superseded');
          result.superseded++;
          continue;
        }
        if (blocked.has(keyOf(change))) {
          result.stillParked++;
          continue;
        }
        await client.query('SAVEPOINT ficus_change');
        try {
          const fresh = await this.#claimNewer(client, [change]);
          if (fresh.length && (await this.#write(client, fresh))) throw Object.assign(new Error('row missing for a partial update'), { code: '23000' });
          await resolveParked(client, id, fresh.length ? 'applied' : 'superseded');
          await client.query('RELEASE SAVEPOINT ficus_change');
          if (fresh.length) {
            result.applied++;
            applied.push(change);
          } else result.superseded++;
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal) throw error;
          await client.query('ROLLBACK TO SAVEPOINT ficus_change');
          await refusedAgain(client, id, refusal.code === '23000' ? BEHIND_PARKED : refusal);
          blocked.add(keyOf(change));
          result.stillParked++;
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      this.#metrics.errors.inc({ stage: 'retry_parked' });
      await this.#discardConnection(client);
      throw withoutRowValues(error);
    }
    this.#observe(applied, Date.now());
    await this.#afterParking(await this.#connection(), []);
    return result;
  }

  async #retryParkedWhenDue(): Promise<void> {
    if (this.#options.onRefused !== 'park' || this.#openParked === 0) return;
    if (Date.now() - this.#lastRetry < (this.#options.retryParkedEveryMs ?? 1_000)) return;
    this.#lastRetry = Date.now();
    const result = await this.retryParked();
    if (result.applied || result.superseded) this.#options.logger.info({ source: this.#options.sourceName, ...result }, 'parked changes applied on retry');
  }

  /** Open parked keys among `changes` (no query while this source has none open). */
  async #parkedKeys(client: pg.Client, changes: readonly KeyedChange[]): Promise<Set<string>> {
    if (this.#options.onRefused !== 'park' || this.#openParked === 0) return new Set();
    return openParkedKeys(client, this.#options.sourceName, changes);
  }

  /** After a commit that parked or settled changes: count, log (table, key, cause: never the values), gauge. */
  async #afterParking(client: pg.Client, parked: readonly { change: KeyedChange; refusal: Refusal }[]): Promise<void> {
    const source = this.#options.sourceName;
    for (const { change, refusal } of parked) {
      this.#metrics.changesParked.inc({ source, table: change.table.qualified });
      this.#options.logger.error(
        { source, table: change.table.qualified, key: change.pk, lsn: change.position.lsn, op: change.event.value.op, code: refusal.code, constraint: refusal.constraint },
        'the target refused a change: parked in ficus_cdc.parked_change, the changes after it go on (ficus migrate status shows it)',
      );
    }
    this.#openParked = await countOpenParked(client, source).catch(() => this.#openParked + parked.length);
    this.#metrics.parkedOpen.set({ source }, this.#openParked);
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
      if (this.#options.onRefused === 'park') {
        this.#openParked = await countOpenParked(client, this.#options.sourceName);
        this.#metrics.parkedOpen.set({ source: this.#options.sourceName }, this.#openParked);
      }
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
