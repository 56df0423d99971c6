import pg from 'pg';
import type { Logger } from 'pino';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.ts';
import { ensureNotifyTriggers, notifyTriggersInPlace, type NotifyTriggerSet } from './notify-triggers.ts';
import { quoteIdent } from './quote-ident.ts';

/**
 * A LISTEN that keeps listening, for caches that trust what they read until a database announces
 * a change (NOTIFY from triggers). The subscription is `live` only while both hold: its connection
 * LISTENs, and the announcers (the triggers) are in place. Callers trust their caches while it is
 * live and fall back to a short TTL (or no cache) while it is not: a notification sent while deaf is
 * lost, so whatever was cached then may be stale, and going live (again) says so.
 */
export interface ListenSubscription {
  /** Announcements arrive now: LISTENing, announcers in place. */
  readonly live: boolean;
  close(): Promise<void>;
}

/** How a change feed over a listen subscription is started: what its callers may set. */
export interface ChangeFeedOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Reconnection delays after the listening connection is lost or could not be opened. */
  backoff?: BackoffPolicy;
  /** How often the triggers are checked to still be there (a restore, a DROP, a table created after the start). */
  verifyEveryMs?: number;
}

/** Names, for the log, what the subscription is about: "cannot listen for ${changes} on ${database} yet: ${fallback} meanwhile". */
export interface ListenSubscriptionTopic {
  /** 'access changes' */
  changes: string;
  /** 'the service database' */
  database: string;
  /** What callers do while deaf: 'access tables are reloaded on a short TTL'. */
  fallback: string;
}

export interface ListenSubscriptionOptions extends ChangeFeedOptions {
  /** Whose connection settings the listening connection copies: it has one of its own, never one of the pool's, which the calls need. */
  pool: pg.Pool;
  /**
   * What NOTIFYs, and on which channel: installed (if missing) after each LISTEN, then checked on
   * the listening connection itself every `verifyEveryMs` (no pool connection is taken from the calls).
   */
  triggers: NotifyTriggerSet;
  /** Names the listening connection in pg_stat_activity. */
  applicationName: string;
  topic: ListenSubscriptionTopic;
  /** One notification on the channel, its payload ('' when none). */
  onNotification(payload: string): void;
  /** Live (again): whatever was cached before may predate a change nobody was told of. */
  onListening(): void;
  /** Deaf: notifications may be missed from now until onListening. */
  onDeaf?(): void;
}

/**
 * Subscribes and returns once the first attempt has settled, listening or not: when it failed,
 * the subscription is deaf and keeps trying with backoff until closed.
 */
export async function listenResiliently(options: ListenSubscriptionOptions): Promise<ListenSubscription> {
  const subscription = subscribe(options);
  await subscription.started;
  return subscription;
}

/** The same without waiting: deaf until the first attempt succeeds (for callers that cannot wait, e.g. a lazily created engine). */
export function subscribe(options: ListenSubscriptionOptions): ListenSubscription & { readonly started: Promise<void> } {
  const { pool, triggers, logger, topic } = options;
  const { channel } = triggers;
  const backoff = options.backoff ?? { baseMs: 100, maxMs: 5000 };
  const messages = {
    unavailable: `cannot listen for ${topic.changes} on ${topic.database} yet: ${topic.fallback} meanwhile`,
    lost: `lost the connection listening for ${topic.changes} on ${topic.database}: ${topic.fallback} until it is back`,
    back: `listening for ${topic.changes} again`,
    announcersGone: `the triggers announcing ${topic.changes} are missing from ${topic.database} (restored, dropped or new tables): ${topic.fallback} until they are back`,
  };
  const stopping = new AbortController();
  let live = false;
  let client: pg.Client | undefined;
  let reconnection: Promise<void> | undefined;

  const deaf = () => {
    if (!live) return;
    live = false;
    options.onDeaf?.();
  };

  /** Connects, LISTENs, makes sure the announcers are there, and only then goes live. */
  const connect = async (): Promise<void> => {
    // pg.Pool keeps an explicitly given password out of its enumerable options.
    const next = new pg.Client({ ...pool.options, password: pool.options.password, application_name: options.applicationName } as pg.ClientConfig);
    let armed = false;
    let lost = false;
    const onLost = () => {
      if (!armed || lost) return;
      lost = true;
      if (client === next) client = undefined;
      deaf();
      if (stopping.signal.aborted) return;
      logger.warn(messages.lost);
      void reconnect();
    };
    next.on('notification', (message) => {
      if (message.channel === channel && live && client === next) options.onNotification(message.payload ?? '');
    });
    next.on('error', onLost);
    next.on('end', onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${quoteIdent(channel)}`);
      if (!(await ensureNotifyTriggers(pool, triggers))) throw new Error(`the triggers announcing on ${channel} cannot be installed`);
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
    options.onListening();
  };

  const reconnect = (): Promise<void> => (reconnection ??= reconnectLoop().finally(() => (reconnection = undefined)));
  const reconnectLoop = async (): Promise<void> => {
    for (let attempt = 0; !stopping.signal.aborted; attempt++) {
      await sleep(backoffDelay(attempt, backoff), stopping.signal);
      if (stopping.signal.aborted || pool.ending) return;
      try {
        await connect();
        if (live) logger.info(messages.back);
        return;
      } catch {
        // still unreachable, or the announcers cannot be put back yet: try again later
      }
    }
  };

  /** A check still under way (a loaded database): the next tick skips, one query at a time on the connection. */
  let verifying = false;
  const verify = setInterval(() => {
    const listening = client;
    if (!live || !listening || verifying) return;
    verifying = true;
    notifyTriggersInPlace(listening, triggers).finally(() => (verifying = false)).then(
      (inPlace) => {
        if (inPlace || !live || client !== listening) return;
        deaf();
        logger.warn(messages.announcersGone);
        client = undefined;
        void listening.end().catch(() => undefined); // its 'end' starts the reconnection, which puts them back
      },
      () => undefined, // the database is unreachable: the connection's own error says so
    );
  }, options.verifyEveryMs ?? 10_000);
  verify.unref();

  const started = connect().catch(() => {
    if (stopping.signal.aborted) return;
    logger.warn(messages.unavailable);
    void reconnect();
  });

  return {
    started,
    get live() {
      return live;
    },
    async close() {
      stopping.abort();
      clearInterval(verify);
      deaf();
      await started;
      await reconnection; // a connection being opened is ended by it once it sees the abort
      const listening = client;
      client = undefined;
      await listening?.end().catch(() => undefined);
    },
  };
}
