import pg from 'pg';
import type { ApplyResult, ChangeApplier, Checkpoint } from '../../../cdc/apply/applier.ts';
import { writeCheckpoint } from '../../../cdc/apply/bookkeeping.ts';
import type { ChangeEvent } from '../../../cdc/events/change-event.ts';
import { modeAt, readSwitches, type SyncDirection, type SyncMode, type SyncSwitch } from '../store/sync-store.ts';
import { ensureLegacyCommandTable, insertLegacyCommands } from './legacy-commands.ts';

export interface SwitchingSinkOptions {
  module: string;
  direction: SyncDirection;
  /** Mode before any switch: forward applies rows, reverse ignores (legacy owns the tables). */
  initial: SyncMode;
  applier: ChangeApplier;
  control: pg.Pool;
  /** The applier's target database, for command mode (forward only). */
  targetUrl: string;
  /** A reverse reader must never empty legacy tables: its snapshot is only a starting point. */
  allowReset: boolean;
}

/**
 * What the embedded reader feeds: the applier, put behind the module's ownership switches.
 * Each change goes by the mode in force at its LSN (DESIGN "No loops": forward applies only
 * legacy-owned tables, reverse only service-owned ones; a legacy write to a service-owned
 * table becomes a command). While a cutover has opened a switch without its WAL position yet,
 * batches wait: no change is applied under the wrong owner.
 */
export class SwitchingSink {
  readonly #o: SwitchingSinkOptions;
  #commandClient: pg.Client | undefined;

  constructor(options: SwitchingSinkOptions) {
    this.#o = options;
  }

  /** The reader expects a ChangeApplier; this forwards what it does not change. */
  asApplier(): ChangeApplier {
    return this as unknown as ChangeApplier;
  }

  get metrics(): ChangeApplier['metrics'] {
    return this.#o.applier.metrics;
  }

  readCheckpoint<T>(source: string): Promise<T | null> {
    return this.#o.applier.readCheckpoint<T>(source);
  }

  async resetTables(tables: readonly string[], checkpoint?: Checkpoint): Promise<void> {
    if (this.#o.allowReset) return this.#o.applier.resetTables(tables, checkpoint);
    // Only the checkpoint: the tables belong to the other side.
    await this.#o.applier.apply([], checkpoint);
  }

  async close(): Promise<void> {
    await this.#commandClient?.end().catch(() => undefined);
    this.#commandClient = undefined;
  }

  async apply(events: readonly ChangeEvent[], checkpoint?: Checkpoint): Promise<ApplyResult> {
    // A batch with no change (a heartbeat's or a drain marker's commit: most batches of a reader
    // whose tables are quiet) has no mode to decide, so it neither reads the switches nor waits
    // for an open one: its checkpoint cannot pass a switch still to be fixed, whose position is
    // taken later from the source's current WAL, beyond anything a reader has received.
    if (!events.length) return this.#o.applier.apply([], checkpoint);
    const switches = await this.#switches();
    const segments: { mode: SyncMode; events: ChangeEvent[] }[] = [];
    for (const event of events) {
      const mode = modeAt(switches, event.value.source.lsn ?? 0, this.#o.initial) ?? this.#o.initial;
      const last = segments[segments.length - 1];
      if (last && last.mode === mode) last.events.push(event);
      else segments.push({ mode, events: [event] });
    }
    const total: ApplyResult = { applied: 0, stale: 0, ownOrigin: 0, committedAt: Date.now(), missingRows: 0 };
    if (!segments.length) segments.push({ mode: 'ignore', events: [] });
    for (let i = 0; i < segments.length; i++) {
      const { mode, events: part } = segments[i]!;
      const cp = i === segments.length - 1 ? checkpoint : undefined;
      if (mode === 'apply') add(total, await this.#o.applier.apply(part, cp));
      else if (mode === 'command') await this.#commands(part, cp);
      else add(total, await this.#o.applier.apply([], cp));
    }
    return total;
  }

  /** Switches, waiting (bounded by the cutover's lease) while one has no WAL position yet. */
  async #switches(): Promise<SyncSwitch[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const switches = await readSwitches(this.#o.control, this.#o.module, this.#o.direction);
      if (switches.every((s) => s.atLsn !== null) || Date.now() > deadline) return switches.filter((s) => s.atLsn !== null);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async #commands(events: readonly ChangeEvent[], checkpoint?: Checkpoint): Promise<void> {
    const client = await this.#client();
    // Ficus's own appliers' writes are loops, not commands.
    const wanted = events.filter((e) => !(e.value.source.origin ?? '').startsWith('ficus_'));
    try {
      await client.query('BEGIN');
      await insertLegacyCommands(client, wanted);
      if (checkpoint) await writeCheckpoint(client, checkpoint.source, checkpoint.position);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
      this.#commandClient = undefined;
      throw error;
    }
  }

  async #client(): Promise<pg.Client> {
    if (this.#commandClient) return this.#commandClient;
    const client = new pg.Client({ connectionString: this.#o.targetUrl, application_name: `ficus_commands_${this.#o.module}` });
    client.on('error', () => undefined);
    await client.connect();
    await ensureLegacyCommandTable(client);
    this.#commandClient = client;
    return client;
  }
}

function add(total: ApplyResult, r: ApplyResult): void {
  total.applied += r.applied;
  total.stale += r.stale;
  total.ownOrigin += r.ownOrigin;
  total.missingRows += r.missingRows;
  total.committedAt = r.committedAt;
}
