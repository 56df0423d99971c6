import type pg from 'pg';
import type { ReadClass } from '../../odoo-bridge/offload/read-class.ts';
import type { ClassRow, OffloadState } from './offload-book.ts';
import type { OffloadDifference } from './sample-verdict.ts';

/** Every change of a class's state is NOTIFYed here (payload: the class id), so other gateways follow within a moment. */
export const OFFLOAD_CHANNEL = 'ficus_offload';

const TABLE = 'ficus_migration.offload_class';

/** Counts gathered by one gateway since its last flush, per class and generation. */
export interface PendingCounts {
  readClass: ReadClass;
  generation: number;
  matches: number;
  timings: number;
  unverified: number;
  verifiedSincePromotion: number;
  byFicus: number;
  byOdoo: number;
}

/** What made a class leave learning or promoted: the paths that differed, or why the engine cannot answer it. */
export type OffloadEvidence =
  | { phase: 'learning' | 'promoted'; differences: OffloadDifference[] }
  | { reason: string };

export async function readClassRows(db: pg.Pool | pg.ClientBase, id?: string): Promise<(ClassRow & { id: string })[]> {
  const { rows } = await db.query<ClassRow & { id: string }>(
    `SELECT id, database, model, method, fields, shape, state, generation FROM ${TABLE}${id ? ' WHERE id = $1' : ''}`,
    id ? [id] : [],
  );
  return rows;
}

/**
 * Adds one flush's counts (counts of an older generation than the row's are dropped: the class
 * was reset meanwhile) and promotes, in the same transaction, every class among them that has
 * now been compared `minSamples` times without a difference. Returns the promoted classes.
 */
export async function storeCounts(control: pg.Pool, batch: readonly PendingCounts[], minSamples: number): Promise<{ id: string; generation: number }[]> {
  if (!batch.length) return [];
  const column = <T>(pick: (p: PendingCounts) => T) => batch.map(pick);
  const client = await control.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ${TABLE} AS c (id, database, model, method, fields, shape, generation, matches, timings, unverified, verified_since_promotion, answered_by_ficus, answered_by_odoo)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])
       ON CONFLICT (id) DO UPDATE SET
         matches = c.matches + CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.matches ELSE 0 END,
         timings = c.timings + CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.timings ELSE 0 END,
         unverified = c.unverified + CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.unverified ELSE 0 END,
         verified_since_promotion = c.verified_since_promotion + CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.verified_since_promotion ELSE 0 END,
         answered_by_ficus = c.answered_by_ficus + EXCLUDED.answered_by_ficus,
         answered_by_odoo = c.answered_by_odoo + EXCLUDED.answered_by_odoo,
         updated_at = now()`,
      [
        column((p) => p.readClass.id), column((p) => p.readClass.database), column((p) => p.readClass.model), column((p) => p.readClass.method),
        column((p) => p.readClass.fields), column((p) => p.readClass.shape), column((p) => p.generation), column((p) => p.matches), column((p) => p.timings),
        column((p) => p.unverified), column((p) => p.verifiedSincePromotion), column((p) => p.byFicus), column((p) => p.byOdoo),
      ],
    );
    const { rows } = await client.query<{ id: string; generation: number }>(
      `WITH promoted AS (
         UPDATE ${TABLE} SET state = 'promoted', promoted_at = now(), updated_at = now()
          WHERE id = ANY($1::text[]) AND state = 'learning' AND differences = 0 AND matches + timings >= $2
          RETURNING id, generation)
       SELECT id, generation, pg_notify('${OFFLOAD_CHANNEL}', id) FROM promoted`,
      [column((p) => p.readClass.id), minSamples],
    );
    await client.query('COMMIT');
    return rows.map(({ id, generation }) => ({ id, generation }));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A class leaves learning or promoted for good (until reset): `demoted` at a difference, with
 * the differing paths, `refused` when the engine cannot answer it, with why. A verdict about an
 * older generation changes nothing but the counts it belongs to.
 */
export async function storeVerdict(control: pg.Pool, readClass: ReadClass, generation: number, state: Extract<OffloadState, 'demoted' | 'refused'>, evidence: OffloadEvidence): Promise<void> {
  await control.query(
    `WITH settled AS (
       INSERT INTO ${TABLE} AS c (id, database, model, method, fields, shape, state, generation, differences, last_difference, last_difference_at, demoted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())
       ON CONFLICT (id) DO UPDATE SET
         state = CASE WHEN c.generation = EXCLUDED.generation AND c.state IN ('learning', 'promoted') THEN EXCLUDED.state ELSE c.state END,
         demoted_at = CASE WHEN c.generation = EXCLUDED.generation AND c.state IN ('learning', 'promoted') THEN now() ELSE c.demoted_at END,
         differences = c.differences + CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.differences ELSE 0 END,
         last_difference = CASE WHEN c.generation = EXCLUDED.generation THEN EXCLUDED.last_difference ELSE c.last_difference END,
         last_difference_at = CASE WHEN c.generation = EXCLUDED.generation THEN now() ELSE c.last_difference_at END,
         updated_at = now()
       RETURNING c.id)
     SELECT pg_notify('${OFFLOAD_CHANNEL}', id) FROM settled`,
    [readClass.id, readClass.database, readClass.model, readClass.method, readClass.fields, readClass.shape, state, generation, state === 'demoted' ? 1 : 0, JSON.stringify(evidence)],
  );
}

/**
 * `ficus offload reset`: the classes learn again from zero in a new generation (after the
 * engine was fixed, say). The last difference stays on record. Returns the ids reset.
 */
export async function resetClasses(control: pg.Pool, which: { ids?: readonly string[]; states?: readonly OffloadState[] }): Promise<string[]> {
  const { rows } = await control.query<{ id: string }>(
    `WITH reset AS (
       UPDATE ${TABLE} SET state = 'learning', generation = generation + 1, matches = 0, timings = 0, differences = 0, unverified = 0,
              verified_since_promotion = 0, promoted_at = NULL, demoted_at = NULL, updated_at = now()
        WHERE id = ANY($1::text[]) OR state = ANY($2::text[])
        RETURNING id)
     SELECT id, pg_notify('${OFFLOAD_CHANNEL}', id) FROM reset ORDER BY id`,
    [which.ids ?? [], which.states ?? []],
  );
  return rows.map((r) => r.id);
}

/** One class as `ficus offload status` shows it. */
export interface OffloadClassStatus {
  id: string;
  database: string;
  model: string;
  method: string;
  fields: string;
  shape: string;
  state: OffloadState;
  generation: number;
  /** Comparisons that agreed: identical answers, and answers that differed only where Odoo's own answers changed in between. */
  matches: number;
  timings: number;
  differences: number;
  unverified: number;
  verifiedSincePromotion: number;
  answeredByFicus: number;
  answeredByOdoo: number;
  lastDifference: OffloadEvidence | null;
  lastDifferenceAt: Date | null;
  promotedAt: Date | null;
  demotedAt: Date | null;
}

export async function readOffloadStatus(db: pg.Pool | pg.ClientBase, filter: { database?: string; model?: string } = {}): Promise<OffloadClassStatus[]> {
  const { rows } = await db.query(
    `SELECT id, database, model, method, fields, shape, state, generation, matches, timings, differences, unverified, verified_since_promotion,
            answered_by_ficus, answered_by_odoo, last_difference, last_difference_at, promoted_at, demoted_at
       FROM ${TABLE}
      WHERE ($1::text IS NULL OR database = $1) AND ($2::text IS NULL OR model = $2)
      ORDER BY database, model, method, fields, shape`,
    [filter.database ?? null, filter.model ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    database: r.database,
    model: r.model,
    method: r.method,
    fields: r.fields,
    shape: r.shape,
    state: r.state,
    generation: r.generation,
    matches: Number(r.matches),
    timings: Number(r.timings),
    differences: Number(r.differences),
    unverified: Number(r.unverified),
    verifiedSincePromotion: Number(r.verified_since_promotion),
    answeredByFicus: Number(r.answered_by_ficus),
    answeredByOdoo: Number(r.answered_by_odoo),
    lastDifference: r.last_difference,
    lastDifferenceAt: r.last_difference_at,
    promotedAt: r.promoted_at,
    demotedAt: r.demoted_at,
  }));
}
