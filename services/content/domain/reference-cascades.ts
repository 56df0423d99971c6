import type pg from 'pg';
import type { Logger } from 'pino';
import type { BackgroundPorts, BackgroundWork } from '../../kit/index.ts';
import type { ContentDatabase } from '../db/tables.ts';

/**
 * Odoo's foreign keys from content's tables to another service's rows, for the deletes that reach
 * svc_content only as a reference copy losing a row. svc_content has no foreign keys (the syncs
 * apply a batch per table), the engine's own unlinks apply these rules (reference-guard.ts), and
 * on the monolith PostgreSQL applies them; but a group biz deletes reaches the monolith by biz's
 * reverse sync, whose replication origin M11's readers skip as a loop, and svc_content by the
 * reference reader deleting its copy. Each rule here is an AFTER DELETE trigger on the copy
 * running a function of content's migrations (db/migrations.ts), in the reference reader's
 * transaction: the posts change with the copy, under its origin, so M11's reverse reader does not
 * echo them to the monolith, whose own key already did the same.
 *
 * The copy is created by the sync at the first backfill of a content module, after content's
 * migrations, so content's background work attaches the triggers as soon as the table exists
 * (content runs before anything is migrated, `ficus start`). A trigger attached only after the
 * reference reader finished its snapshot may have missed a delete in between: that is logged, and
 * `ficus reconcile M11` shows any post left naming a deleted group.
 */
export interface ReferenceCascade {
  /** The reference copy (another module's table). */
  table: string;
  /** Odoo's rule, for logs. */
  rule: string;
  trigger: string;
  /** A function of content's migrations taking the deleted rows as `old_groups`-style transition table `transition`. */
  fn: string;
  transition: string;
}

export const REFERENCE_CASCADES: readonly ReferenceCascade[] = [
  { table: 'community_groups', rule: "hp.community.post.group_id ondelete='set null'", trigger: 'community_groups_deleted_content', fn: 'content_group_copy_deleted', transition: 'old_groups' },
];

/** The reference reader of content's copies (module-plan.ts referenceSlot('content')). */
const REFERENCE_SOURCE = 'ficus_ref_content';

/** Attaches every rule whose copy exists and lacks it; the rules attached now. */
export async function attachReferenceCascades(pool: pg.Pool, logger: Pick<Logger, 'info' | 'warn'>): Promise<string[]> {
  const attached: string[] = [];
  for (const cascade of REFERENCE_CASCADES) {
    const { rows: [state] } = await pool.query<{ present: boolean; attached: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS present,
              EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2) AS attached`, [cascade.table, cascade.trigger]);
    if (!state?.present || state.attached) continue;
    // Names are the constants above, never input.
    await pool.query(`CREATE OR REPLACE TRIGGER ${cascade.trigger} AFTER DELETE ON ${cascade.table} REFERENCING OLD TABLE AS ${cascade.transition}
      FOR EACH STATEMENT EXECUTE FUNCTION ${cascade.fn}()`);
    attached.push(cascade.table);
    if (await referenceSnapshotDone(pool)) {
      logger.warn({ table: cascade.table, rule: cascade.rule }, 'reference cascade attached after the copy was complete: a delete before now may have been missed (ficus reconcile shows it)');
    } else {
      logger.info({ table: cascade.table, rule: cascade.rule }, 'reference cascade attached');
    }
  }
  return attached;
}

async function referenceSnapshotDone(pool: pg.Pool): Promise<boolean> {
  const { rows: [row] } = await pool.query<{ done: boolean | null }>(
    `SELECT CASE WHEN to_regclass('ficus_cdc.checkpoint') IS NULL THEN false
            ELSE (SELECT bool_or((position->>'snapshotDone')::boolean) FROM ficus_cdc.checkpoint WHERE source = $1) END AS done`, [REFERENCE_SOURCE]);
  return row?.done === true;
}

/** Looks every second until every copy has its rule, then every 30 s (a copy dropped and made again). */
export function referenceCascadesWork(ports: BackgroundPorts<ContentDatabase>, options: { soonMs?: number; laterMs?: number } = {}): BackgroundWork {
  const soonMs = options.soonMs ?? 1000;
  const laterMs = options.laterMs ?? 30_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const allAttached = async () => {
    const { rows } = await ports.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest($1::text[], $2::text[]) AS c(tbl, trg) WHERE EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(c.tbl) AND tgname = c.trg)`,
      [REFERENCE_CASCADES.map((c) => c.table), REFERENCE_CASCADES.map((c) => c.trigger)]);
    return rows[0]!.n === REFERENCE_CASCADES.length;
  };
  const tick = () => {
    if (stopped) return;
    let next = soonMs;
    running = attachReferenceCascades(ports.pool, ports.logger)
      .then(async () => void (next = (await allAttached()) ? laterMs : soonMs))
      .catch((error: unknown) => ports.logger.warn({ err: error }, 'reference cascades could not be attached; trying again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, next);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
