import pg from 'pg';
import type { Logger } from 'pino';
import { quoteIdent } from '../../../platform/quote-ident.ts';

const CHANNEL = 'ficus_legacy_command';

export interface LegacyCommandProcessorOptions {
  url: string;
  logger: Logger;
  /** The service's name: in refusals and connection names. */
  service: string;
  /** The legacy tables the service owns once cut over (its models' tables and their many2many relation tables); a command for any other table is refused. */
  ownedTables: readonly string[];
  pollMs?: number;
}

/**
 * Applies legacy writes to tables a service owns after cutover (a monolith code path that still
 * writes them): each command is the row image the legacy side wrote, accepted as the latest
 * state of that record (ids from the legacy block cannot clash, see the id split), in its own
 * transaction with the command marked done. Its write is an ordinary service write, so reverse
 * sync returns it to the legacy table, where it already is: no loop, nothing lost.
 */
export class LegacyCommandProcessor {
  #client: pg.Client | undefined;
  #listener: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  processed = 0;

  readonly #owned: ReadonlySet<string>;

  constructor(private readonly options: LegacyCommandProcessorOptions) {
    this.#owned = new Set(options.ownedTables);
  }

  async start(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.options.url, application_name: `${this.options.service}_commands_listen` });
    listener.on('error', () => undefined);
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    listener.on('notification', () => this.kick());
    this.#listener = listener;
    const tick = () => {
      if (this.#stopped) return;
      this.kick();
      this.#timer = setTimeout(tick, this.options.pollMs ?? 500);
    };
    tick();
  }

  kick(): void {
    this.#running = this.#running.then(() => this.#drain()).catch((error) => {
      this.options.logger.warn({ err: error }, 'legacy commands: will retry');
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#listener?.end().catch(() => undefined);
    await this.#client?.end().catch(() => undefined);
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: this.options.url, application_name: `${this.options.service}_commands` });
    client.on('error', () => undefined);
    await client.connect();
    this.#client = client;
    return client;
  }

  async #drain(): Promise<void> {
    if (this.#stopped) return;
    const client = await this.#connection();
    const exists = await client.query(`SELECT to_regclass('ficus_cdc.legacy_command') IS NOT NULL AS ok`);
    if (!exists.rows[0]?.ok) return;
    for (;;) {
      await client.query('BEGIN');
      try {
        const { rows } = await client.query<{ id: string; table_name: string; op: string; row_after: Record<string, unknown> | null; row_before: Record<string, unknown> | null; pk: string }>(
          `SELECT id, table_name, op, row_after, row_before, pk FROM ficus_cdc.legacy_command
            WHERE done_at IS NULL ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED`,
        );
        if (!rows.length) {
          await client.query('COMMIT');
          return;
        }
        for (const command of rows) {
          const outcome = await this.#apply(client, command);
          await client.query('UPDATE ficus_cdc.legacy_command SET done_at = now(), outcome = $2 WHERE id = $1', [command.id, outcome]);
        }
        await client.query('COMMIT');
        this.processed += rows.length;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  }

  /**
   * One command, by the key the legacy side's change carries (a model's `id`, a many2many
   * relation row's pair of columns). A delete whose row is already gone is done, not refused: the
   * monolith's ON DELETE cascade of a row the service database deleted first by the same rule
   * (migration/control/sync/delete-rule-triggers.ts, in the transaction that applied the
   * referenced row's delete) arrives here after it, and there is nothing left to do.
   */
  async #apply(client: pg.Client, command: { table_name: string; op: string; row_after: Record<string, unknown> | null; pk: string }): Promise<string> {
    if (!this.#owned.has(command.table_name)) return `refused: not a table ${this.options.service} owns`;
    const table = quoteIdent(command.table_name);
    const key = JSON.parse(command.pk) as Record<string, unknown>;
    const keyColumns = Object.keys(key).map(quoteIdent);
    if (!keyColumns.length) return 'refused: the change carries no key';
    if (command.op === 'd') {
      // Column values arrive in the change-event encoding: jsonb_populate_record casts them to the table's types.
      const deleted = await client.query(
        `DELETE FROM ${table} t USING jsonb_populate_record(NULL::${table}, $1::jsonb) k WHERE ${keyColumns.map((c) => `t.${c} = k.${c}`).join(' AND ')}`,
        [JSON.stringify(key)],
      );
      return deleted.rowCount ? 'deleted' : 'already deleted';
    }
    const row = { ...key, ...(command.row_after ?? {}) };
    const cols = Object.keys(row).map(quoteIdent);
    await client.query(
      `INSERT INTO ${table} (${cols.join(', ')})
       SELECT ${cols.join(', ')} FROM jsonb_populate_record(NULL::${table}, $1::jsonb)
       ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      [JSON.stringify(row)],
    );
    return 'applied';
  }
}
