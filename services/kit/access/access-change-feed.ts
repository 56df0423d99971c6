import pg from 'pg';
import type { Logger } from 'pino';
import { backoffDelay, sleep } from '../../../platform/backoff.ts';
import { ACCESS_CHANNEL, ensureAccessTriggers, triggersInPlace } from './access-change-triggers.ts';

/**
 * Tells the REST access checks of one service database when its access tables changed.
 * While `live`, a cached table or user is good until a change is announced; while not (no
 * connection, triggers missing), the checks fall back to their short TTL.
 */
export interface AccessChangeFeed {
  /** Announcements arrive now (LISTENing, triggers in place). */
  readonly live: boolean;
  /**
   * `listener` runs on every announced change and whenever the feed goes live (again): what was
   * cached before may have missed changes. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface AccessChangeFeedOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Reconnection delays after the listening connection is lost. */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * How often the triggers are checked to still be there, on the listening connection: the
   * backfill creates the tables after the service starts, and a re-copy may drop them.
   */
  verifyEveryMs?: number;
}

/**
 * LISTENs on a connection of its own (never one of the pool's, which the calls need) and keeps
 * listening: lost, it reconnects with backoff; triggers gone, it goes deaf and puts them back.
 * The same shape as the gateway's credential feed (odoo-bridge/auth/credential-changes.ts), for
 * the access tables of a service database.
 */
export async function startAccessChangeFeed(pool: pg.Pool, options: AccessChangeFeedOptions): Promise<AccessChangeFeed> {
  const backoff = options.backoff ?? { baseMs: 100, maxMs: 5000 };
  const listeners = new Set<() => void>();
  const stopping = new AbortController();
  let live = false;
  let client: pg.Client | undefined;
  let reconnection: Promise<void> | undefined;

  const announce = () => {
    for (const listener of listeners) listener();
  };
  const deaf = () => {
    live = false;
  };

  /** Connects, LISTENs, makes sure the triggers are there, and only then goes live (and voids what was cached). */
  const connect = async (): Promise<void> => {
    // pg.Pool keeps an explicitly given password out of its enumerable options.
    const next = new pg.Client({ ...pool.options, password: pool.options.password, application_name: 'ficus_access_listen' } as pg.ClientConfig);
    let armed = false;
    let lost = false;
    const onLost = () => {
      if (!armed || lost) return;
      lost = true;
      if (client === next) client = undefined;
      deaf();
      if (stopping.signal.aborted) return;
      options.logger.warn('lost the access-change connection to the service database: access tables are reloaded every second until it is back');
      void reconnect();
    };
    next.on('notification', (message) => {
      if (message.channel === ACCESS_CHANNEL) announce();
    });
    next.on('error', onLost);
    next.on('end', onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${ACCESS_CHANNEL}`);
      if (!(await ensureAccessTriggers(pool))) throw new Error('the access-change triggers cannot be installed');
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopping.signal.aborted) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    armed = true;
    live = true;
    // Whatever was loaded before the LISTEN may predate a change nobody was told of.
    announce();
  };

  const reconnect = (): Promise<void> => (reconnection ??= reconnectLoop().finally(() => (reconnection = undefined)));
  const reconnectLoop = async (): Promise<void> => {
    for (let attempt = 0; !stopping.signal.aborted; attempt++) {
      await sleep(backoffDelay(attempt, backoff), stopping.signal);
      if (stopping.signal.aborted || pool.ending) return;
      try {
        await connect();
        options.logger.info('listening for access changes again');
        return;
      } catch {
        // still unreachable, or the triggers cannot be put back yet: try again later
      }
    }
  };

  const verify = setInterval(() => {
    const listening = client;
    if (!live || !listening) return;
    triggersInPlace(listening).then(
      (inPlace) => {
        if (inPlace || !live || client !== listening) return;
        deaf();
        options.logger.info('access-change triggers missing on the service database (new or re-created tables): installing them');
        client = undefined;
        void listening.end().catch(() => undefined); // its 'end' starts the reconnection, which installs them
      },
      () => undefined, // the database is unreachable: the connection's own error says so
    );
  }, options.verifyEveryMs ?? 5_000);
  verify.unref();

  try {
    await connect();
  } catch {
    options.logger.warn('cannot listen for access changes on the service database yet: access tables are reloaded every second meanwhile');
    void reconnect();
  }
  return {
    get live() {
      return live;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      stopping.abort();
      clearInterval(verify);
      deaf();
      await reconnection; // a connection being opened is ended by it once it sees the abort
      const listening = client;
      client = undefined;
      await listening?.end().catch(() => undefined);
    },
  };
}
