import type pg from 'pg';
import type { AccessChangeFeed } from '../../../../services/kit/index.ts';

/**
 * Runs `change` on `pool` and resolves once `feed` has announced it: whatever subscribed to the
 * feed before this (an access policy) has voided its caches by then. No sleep, no TTL waited for.
 */
export async function changedAndAnnounced<Row extends object = object>(pool: pg.Pool, feed: Pick<AccessChangeFeed, 'onChange'>, change: string, params: unknown[] = []): Promise<Row[]> {
  let unsubscribe = () => {};
  const announced = new Promise<void>((resolve) => (unsubscribe = feed.onChange(() => resolve())));
  try {
    const { rows } = await pool.query<Row>(change, params);
    await announced;
    return rows;
  } finally {
    unsubscribe();
  }
}
