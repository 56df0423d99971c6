import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { GoalState, GoalType } from '../db/tables.ts';
import { pyFloat, pyMin, pyRound2 } from './python-values.ts';
import { goalAchievedEvent, type UserEventSink } from './user-events.ts';
import { UserRefused } from './user-refusal.ts';

/**
 * hp.health.goal (hp_personal/models/hp_health_goal.py): the stored progress, when a goal is
 * reached, action_record_progress and action_abandon. One implementation for every client: the
 * Odoo face (svc_user after cutover, the monolith's tables before, odoo/ and legacy/) and REST
 * (routes/health-goals.ts, routes/health-actions.ts) run these functions over their own
 * GoalStore, which checks access the way its protocol does.
 */

export const ONLY_ACTIVE_GOALS_RECORD_PROGRESS = 'Only active goals can record progress.';

/** What the rules read of a goal (Float columns read 0.0 when NULL, as Odoo's fields do). */
export interface GoalFacts {
  id: number;
  user_id: number;
  goal_type: GoalType;
  state: GoalState;
  target_value: number | null;
  current_value: number | null;
}

/** `_lower_is_better`: weight and glucose goals are reached by going down to the target. */
export const lowerIsBetter = (goalType: string): boolean => goalType === 'weight' || goalType === 'glucose';

/** `_compute_progress`: the percentage of the target reached, `min(100.0, round(…, 2))`; 0.0 without target or value. */
export function goalProgress(goal: Pick<GoalFacts, 'goal_type' | 'target_value' | 'current_value'>): number {
  const target = goal.target_value ?? 0;
  const current = goal.current_value ?? 0;
  // `not x` is true for 0.0 only; NaN is truthy in Python.
  if (target === 0 || current === 0) return 0;
  const ratio = lowerIsBetter(goal.goal_type) ? (target / current) * 100 : (current / target) * 100;
  return pyMin(100, pyRound2(ratio));
}

/** `_is_reached`: at or past the target (`>=`), downwards (`<=`) for weight and glucose; never without a target. */
export function goalReached(goal: Pick<GoalFacts, 'goal_type' | 'target_value' | 'current_value'>): boolean {
  const target = goal.target_value ?? 0;
  if (target === 0) return false;
  const current = goal.current_value ?? 0;
  return lowerIsBetter(goal.goal_type) ? current <= target : current >= target;
}

/** Writable goal fields the rules set. */
export type GoalWrite = { current_value?: number; state?: GoalState };

/**
 * Where a goal use case reads `self` and writes, on the caller's connection and with the
 * caller's access checks: `read` is Python's first read of `self` (read ACL and rules, missing
 * ids), `write` is `self.write` (write ACL and rules) and leaves `progress` recomputed.
 */
export interface GoalStore {
  read(ids: readonly number[]): Promise<Map<number, GoalFacts>>;
  write(ids: readonly number[], vals: GoalWrite): Promise<void>;
}

/**
 * `action_record_progress(value)`: for each goal in turn, refused unless active ("Only active
 * goals can record progress."), then `current_value = float(value)` (converted per goal, after
 * the state check, as Python evaluates it), and `state = 'achieved'` once reached, announced as
 * goal_achieved (the `_hp_on_goal_achieved` hook) through `events`. Ids repeat as a recordset's
 * do: the second visit of a goal just achieved is refused. Returns the goals achieved.
 */
export async function recordGoalProgress(store: GoalStore, events: UserEventSink, ids: readonly number[], value: unknown, now: () => Date = () => new Date()): Promise<GoalFacts[]> {
  const goals = await store.read(ids);
  const achieved: GoalFacts[] = [];
  for (const id of ids) {
    const goal = goals.get(id)!;
    if (goal.state !== 'active') throw new UserRefused('state', ONLY_ACTIVE_GOALS_RECORD_PROGRESS);
    goal.current_value = pyFloat(value);
    await store.write([id], { current_value: goal.current_value });
    if (goalReached(goal)) {
      goal.state = 'achieved';
      await store.write([id], { state: 'achieved' });
      achieved.push({ ...goal });
    }
  }
  const at = now();
  await events.publish(
    achieved.flatMap((g) => {
      const event = goalAchievedEvent({ id: g.id, userId: g.user_id, goalType: g.goal_type, targetValue: g.target_value ?? 0, currentValue: g.current_value ?? 0, achievedAt: at });
      return event ? [event] : [];
    }),
  );
  return achieved;
}

/** `action_abandon`: the active goals among `ids` become abandoned (one write); the others are left as they are. Returns the ids abandoned. */
export async function abandonGoals(store: GoalStore, ids: readonly number[]): Promise<number[]> {
  const goals = await store.read(ids);
  const active = [...new Set(ids)].filter((id) => goals.get(id)?.state === 'active');
  if (active.length) await store.write(active, { state: 'abandoned' });
  return active;
}

/** Stores `_compute_progress` for `ids` (after a create or a write of current_value, target_value or goal_type). */
export async function recomputeGoalProgress(sql: SqlRunner, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const rows = await sql.run(build.selectFrom('health_goals').select(['id', 'goal_type', 'target_value', 'current_value']).where('id', 'in', [...new Set(ids)]));
  if (!rows.length) return;
  await sql.raw(
    `UPDATE health_goals g SET progress = v.progress FROM unnest($1::int4[], $2::float8[]) AS v(id, progress) WHERE g.id = v.id`,
    [rows.map((r) => r.id), rows.map((r) => goalProgress(r))],
  );
}

/** The goal columns the rules read, by id. */
export async function readGoalFacts(sql: SqlRunner, ids: readonly number[]): Promise<Map<number, GoalFacts>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await sql.run(build.selectFrom('health_goals').select(['id', 'user_id', 'goal_type', 'state', 'target_value', 'current_value']).where('id', 'in', unique));
  return new Map(rows.map((r) => [r.id, r]));
}

/** hp.health.goal's defaults (`state='active'`, `start_date=context_today`), for a create outside the ORM. */
export function goalDefaults(today: string): { state: GoalState; start_date: string } {
  return { state: 'active', start_date: today };
}
