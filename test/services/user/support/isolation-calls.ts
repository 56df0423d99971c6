import type pg from 'pg';
import { M02_MODELS, type M02Model } from './isolation-stack.ts';

/**
 * What a member attempts on another member's M02 rows, and what must come of it:
 * - `refused`: the protocol's AccessError (XML-RPC fault 4, JSON-2 403), the victim's rows unchanged;
 * - `empty`: an answer with nothing in it (no row, no group, a count of 0);
 * - `own`: an answer whose every row (or group) is the attacker's own;
 * - `own-aggregate`: read_group over everything the attacker may see: each group's count and
 *   sum equal to the same query in SQL over the attacker's rows alone.
 */
export type Expectation = 'refused' | 'empty' | 'own' | 'own-aggregate';

export interface Attempt {
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  expect: Expectation;
}

export interface Targets {
  attacker: number;
  victim: number;
  /** Some of the victim's row ids in the model. */
  victimIds: number[];
}

/** Per model: a numeric field to aggregate (null: counts only), a grouping, a writable field, a create of another's row, the business methods. */
interface ModelShape {
  sum: string | null;
  groupBy: string;
  write: Record<string, unknown>;
  create(victim: number): Record<string, unknown>;
  business: { method: string; args: unknown[] }[];
}

export const MODEL_SHAPES: Record<M02Model, ModelShape> = {
  'hp.health.record': {
    sum: 'value', groupBy: 'record_type', write: { value: 1, note: 'changed by another member' },
    create: (victim) => ({ user_id: victim, record_type: 'steps', value: 1, measured_at: '2026-12-01 08:00:00' }),
    business: [],
  },
  'hp.device.binding': {
    sum: null, groupBy: 'device_type', write: { vendor: 'changed by another member' },
    create: (victim) => ({ user_id: victim, device_type: 'watch', serial: 'ISOLATION-0001' }),
    business: [{ method: 'action_archive', args: [] }, { method: 'action_unarchive', args: [] }],
  },
  'hp.health.goal': {
    sum: 'current_value', groupBy: 'goal_type', write: { target_value: 1 },
    create: (victim) => ({ user_id: victim, goal_type: 'steps', target_value: 1, start_date: '2026-12-01' }),
    business: [{ method: 'action_record_progress', args: [1] }, { method: 'action_abandon', args: [] }],
  },
  'hp.assessment': {
    sum: 'score', groupBy: 'risk_level', write: { score: 1 },
    create: (victim) => ({ user_id: victim, coach_id: 284, score: 1 }),
    business: [],
  },
};

/** Every attempt on `model`, by name (the method label the property draws). */
export function attemptsOn(model: M02Model, t: Targets): Record<string, Attempt> {
  const shape = MODEL_SHAPES[model];
  const ofVictim = [['user_id', '=', t.victim]];
  const fields = ['user_id', shape.groupBy];
  const aggregates = shape.sum ? [`${shape.sum}:sum`] : [];
  const attempts: Record<string, Attempt> = {
    'read by id': { method: 'read', args: [t.victimIds], kwargs: { fields }, expect: 'refused' },
    'web_read by id': { method: 'web_read', args: [t.victimIds], kwargs: { specification: { user_id: {}, [shape.groupBy]: {} } }, expect: 'refused' },
    'search_read of the victim': { method: 'search_read', args: [ofVictim], kwargs: { fields }, expect: 'empty' },
    'search_read of everything': { method: 'search_read', args: [[]], kwargs: { fields, context: { active_test: false } }, expect: 'own' },
    'search by id': { method: 'search', args: [[['id', 'in', t.victimIds]]], kwargs: { context: { active_test: false } }, expect: 'empty' },
    'search of everything': { method: 'search', args: [[]], kwargs: {}, expect: 'own' },
    'search_count of the victim': { method: 'search_count', args: [ofVictim], kwargs: { context: { active_test: false } }, expect: 'empty' },
    'read_group of the victim': { method: 'read_group', args: [ofVictim, aggregates, [shape.groupBy]], kwargs: {}, expect: 'empty' },
    'read_group by user': { method: 'read_group', args: [[], aggregates, ['user_id']], kwargs: { context: { active_test: false } }, expect: 'own' },
    'read_group aggregates': { method: 'read_group', args: [[], aggregates, [shape.groupBy]], kwargs: { context: { active_test: false } }, expect: 'own-aggregate' },
    'name_search': { method: 'name_search', args: [''], kwargs: { limit: 1000 }, expect: 'own' },
    'write': { method: 'write', args: [t.victimIds, shape.write], kwargs: {}, expect: 'refused' },
    'unlink': { method: 'unlink', args: [t.victimIds], kwargs: {}, expect: 'refused' },
    'copy': { method: 'copy', args: [t.victimIds.slice(0, 1)], kwargs: {}, expect: 'refused' },
    "create with the victim's user_id": { method: 'create', args: [shape.create(t.victim)], kwargs: {}, expect: 'refused' },
  };
  for (const b of shape.business) attempts[b.method] = { method: b.method, args: [t.victimIds, ...b.args], kwargs: {}, expect: 'refused' };
  return attempts;
}

/** Every attempt label of every model: what the property's examples cover exhaustively. */
export function attemptLabels(model: M02Model): string[] {
  return Object.keys(attemptsOn(model, { attacker: 0, victim: 0, victimIds: [] }));
}

/** The victim's rows of a model as stored: what a refused attempt must leave as it was. */
export async function rowsOf(pool: pg.Pool, model: M02Model, uid: number): Promise<unknown[]> {
  const { rows } = await pool.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${M02_MODELS[model]} t WHERE user_id = $1 ORDER BY id`, [uid]);
  return rows.map((r) => r.row);
}

/** Owners of the given ids of a model, as stored. */
export async function ownersOf(pool: pg.Pool, model: M02Model, ids: number[]): Promise<number[]> {
  const { rows } = await pool.query<{ user_id: number }>(`SELECT user_id FROM ${M02_MODELS[model]} WHERE id = ANY($1::int4[])`, [ids]);
  return rows.map((r) => r.user_id);
}

/** The attacker's own groups (key → count, sum) in SQL: what read_group over everything it may see must answer. */
export async function ownGroups(pool: pg.Pool, model: M02Model, uid: number): Promise<Map<string, { count: number; sum: number }>> {
  const shape = MODEL_SHAPES[model];
  const sum = shape.sum ? `coalesce(sum(${shape.sum}), 0)::float8` : '0::float8';
  const { rows } = await pool.query<{ key: string | null; count: number; sum: number }>(
    `SELECT ${shape.groupBy} AS key, count(*)::int AS count, ${sum} AS sum FROM ${M02_MODELS[model]} WHERE user_id = $1 GROUP BY 1`,
    [uid],
  );
  return new Map(rows.map((r) => [String(r.key ?? false), { count: r.count, sum: r.sum }]));
}
