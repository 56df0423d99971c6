import type pg from 'pg';
import { subscribe, type ChangeFeedOptions } from '../../../platform/listen-subscription.ts';
import { ACCESS_TRIGGERS } from './access-change-triggers.ts';

/**
 * Tells the access checks over one service database (the REST routes', the gateway engine's) when
 * its access tables changed. While `live`, a cached table or user is good until a change is
 * announced; while not (no connection, triggers missing), the checks fall back to their short TTL.
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

/**
 * `verifyEveryMs` (5 s here): how often the triggers are checked to still be there, on the
 * listening connection: the backfill creates the tables after the service starts, and a re-copy
 * may drop them.
 */
export type AccessChangeFeedOptions = ChangeFeedOptions;

/** Listens (platform/listen-subscription.ts) and returns once the first attempt settled. */
export async function startAccessChangeFeed(pool: pg.Pool, options: AccessChangeFeedOptions): Promise<AccessChangeFeed> {
  const feed = openAccessChangeFeed(pool, options);
  await feed.started;
  return feed;
}

/**
 * The same, returned at once, deaf until the first attempt succeeds: for the gateway, whose
 * service engines are created on a call's way (migration-runtime.ts).
 */
export function openAccessChangeFeed(pool: pg.Pool, options: AccessChangeFeedOptions): AccessChangeFeed & { readonly started: Promise<void> } {
  const listeners = new Set<() => void>();
  const announce = () => {
    for (const listener of listeners) listener();
  };
  const subscription = subscribe({
    ...options,
    verifyEveryMs: options.verifyEveryMs ?? 5_000,
    pool,
    triggers: ACCESS_TRIGGERS,
    applicationName: 'ficus_access_listen',
    topic: { changes: 'access changes', database: 'the service database', fallback: 'access tables are reloaded on a short TTL' },
    onNotification: announce,
    onListening: announce, // the checks read `live` on every lookup: going deaf needs no call
  });
  return {
    started: subscription.started,
    get live() {
      return subscription.live;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => subscription.close(),
  };
}
