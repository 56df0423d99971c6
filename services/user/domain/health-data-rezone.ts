import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';

/** Members whose rollup this process is moving right now (concurrent reads after a tz change ask once), and the work. */
const moving = new Map<number, Promise<void>>();

/**
 * Rebuilds `member`'s daily rollup in `zone` (health_rollup_rezone, migration 0004: under their
 * zone row's lock, so writes wait for it or retry), in the background: the read that noticed the
 * wrong zone answers from the readings and does not wait; the next reads use the rollup again. A
 * failure only leaves the reads on the raw path (and the next read asks again), so it is logged
 * and not raised.
 */
export function rezoneRollup(db: Kysely<any>, member: number, zone: string, log: Logger): void {
  if (moving.has(member)) return;
  const work = sql`SELECT health_rollup_rezone(${member}::int, ${zone}::text)`
    .execute(db)
    .then(() => undefined, (error: unknown) => log.warn({ err: error, member }, 'health-data rollup: rebuilding in the member\'s zone failed; reads stay on the readings'))
    .finally(() => moving.delete(member));
  moving.set(member, work);
}

/** Resolves when the rebuilds started so far have ended (a stop, a test that changes zones itself). */
export async function rezonesDone(): Promise<void> {
  while (moving.size) await Promise.all(moving.values());
}
