import pg from 'pg';
import type { Logger } from 'pino';
import { TRADE_ODOO_MODELS } from './odoo/models.ts';

const OWNED_TABLES = new Set<string>(TRADE_ODOO_MODELS.map((m) => m.table));
const CHANNEL = 'ficus_legacy_command';

/**
 * Applies legacy writes to tables trade owns after cutover (a monolith code path still writing
 * service_orders, e.g. hp.payment.action_succeed marking an order paid): each command is the
 * row image the legacy side wrote, accepted as the latest state of that record, in its own
 * transaction with the command marked done; reverse sync returns it to where it already is.
 * The same processor as services/dynamic/commands.ts (services may not share code except
 * through the kit; it belongs in services/kit once a third service needs it).
 */
export class TradeLegacyCommandProcessor {
  #client: pg.Client | undefined;
  #listener: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  processed = 0;

  constructor(private readonly options: { url: string; logger: Logger; pollMs?: number }) {}

  async start(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.options.url, application_name: 'trade_commands_listen' });
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
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'trade_commands' });
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

  async #apply(client: pg.Client, command: { table_name: string; op: string; row_after: Record<string, unknown> | null; pk: string }): Promise<string> {
    if (!OWNED_TABLES.has(command.table_name)) return 'refused: not a table trade owns';
    const table = `"${command.table_name}"`;
    const key = JSON.parse(command.pk) as Record<string, unknown>;
    if (command.op === 'd') {
      await client.query(`DELETE FROM ${table} WHERE id = $1`, [key.id]);
      return 'deleted';
    }
    const row = command.row_after ?? {};
    // Column values arrive in the change-event encoding (text for timestamps/numerics): jsonb_populate_record casts them.
    const cols = Object.keys(row).map((c) => `"${c.replace(/"/g, '""')}"`);
    await client.query(
      `INSERT INTO ${table} (${cols.join(', ')})
       SELECT ${cols.join(', ')} FROM jsonb_populate_record(NULL::${table}, $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      [JSON.stringify(row)],
    );
    return 'applied';
  }
}
