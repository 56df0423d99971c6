import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { GoalType, HealthRecordType } from '../db/tables.ts';
import { recordGoalProgress, type GoalFacts, type GoalStore } from './goals.ts';
import { healthActionRecordedEvent, type UserEventSink } from './user-events.ts';

/**
 * A health action (POST /users/{id}/health-actions): a measurement or an activity, stored as
 * the hp.health.record row an Odoo client would create, and, when it advances a goal, the goal
 * progressed exactly as hp.health.goal.action_record_progress(value) does (domain/goals.ts).
 *
 * Which goal a record advances (hp_personal links none; this is the service's rule, in
 * MIGRATION.md): a record type maps to a goal type (steps → steps, weight → weight, sleep_hours →
 * sleep, blood_glucose → glucose; heart_rate and blood_pressure to none), and the record counts
 * for every active goal of that type of the same member whose period holds the day it was
 * measured (UTC; start_date empty = open start, end_date empty = open end), provided it is the
 * member's newest record of that type: a late upload of an older reading never overwrites a newer
 * one. The value becomes the goal's current value, as action_record_progress(value) sets it.
 */
export const GOAL_TYPE_OF_RECORD: Readonly<Partial<Record<HealthRecordType, GoalType>>> = {
  steps: 'steps',
  weight: 'weight',
  sleep_hours: 'sleep',
  blood_glucose: 'glucose',
};

/** The unit each record type is stored in (every legacy row of a type carries this one), so aggregates never mix units. */
export const UNIT_OF_RECORD: Readonly<Record<HealthRecordType, string>> = {
  steps: 'steps',
  heart_rate: 'bpm',
  blood_pressure: 'mmHg',
  blood_glucose: 'mmol/L',
  weight: 'kg',
  sleep_hours: 'h',
};

export type HealthRecordSource = 'manual' | 'device' | 'coach';

export interface HealthAction {
  userId: number;
  recordType: HealthRecordType;
  value: number;
  value2: number | null;
  /** UTC, Odoo's `YYYY-MM-DD HH:MM:SS`. */
  measuredAt: string;
  source: HealthRecordSource;
  deviceBindingId: number | null;
  note: string | null;
}

export interface HealthActionPorts {
  /** Where M02's rows are (svc_user or the monolith), in the caller's transaction. */
  sql: SqlRunner;
  /** The goals as the caller may read and write them (its access checks). */
  goals: GoalStore;
  events: UserEventSink;
  /** The acting user (create_uid / write_uid). */
  uid: number;
  /** Checks the new record against the caller's create rules, as Odoo does after the INSERT (throws to roll it back). */
  checkCreated(recordId: number): Promise<void>;
}

export interface RecordedAction {
  recordId: number;
  /** The goals the action advanced (their ids, in id order), and which of them it achieved. */
  advancedGoalIds: number[];
  achievedGoalIds: number[];
}

/**
 * Records a health action: the record (create rules checked), health_action_recorded, then
 * action_record_progress(value) on the goals it advances (goal_achieved for each reached), all
 * on the caller's connection and transaction.
 */
export async function recordHealthAction(ports: HealthActionPorts, action: HealthAction): Promise<RecordedAction> {
  const [created] = await ports.sql.run(
    build.insertInto('health_records').values({
      user_id: action.userId, record_type: action.recordType, value: action.value, value2: action.value2, unit: UNIT_OF_RECORD[action.recordType],
      measured_at: action.measuredAt, source: action.source, device_binding_id: action.deviceBindingId, note: action.note,
      create_uid: ports.uid, write_uid: ports.uid, create_date: utcNow(), write_date: utcNow(),
    }).returning(['id', 'measured_at']),
  );
  const recordId = created!.id;
  await ports.checkCreated(recordId);
  await ports.events.publish([
    healthActionRecordedEvent({
      id: recordId, userId: action.userId, recordType: action.recordType, value: action.value, value2: action.value2, unit: UNIT_OF_RECORD[action.recordType],
      measuredAt: action.measuredAt, source: action.source, deviceBindingId: action.deviceBindingId,
    }),
  ]);
  const goalIds = await goalsAdvancedBy(ports.sql, recordId, action);
  if (!goalIds.length) return { recordId, advancedGoalIds: [], achievedGoalIds: [] };
  const achieved: GoalFacts[] = await recordGoalProgress(ports.goals, ports.events, goalIds, action.value);
  return { recordId, advancedGoalIds: goalIds, achievedGoalIds: achieved.map((g) => g.id) };
}

/**
 * The goals a new record advances (see above). The goals are locked first (FOR UPDATE), so two
 * actions of the same member and type take turns: the second sees the first's record when it asks
 * whether it is the newest, and a late older reading never overwrites a newer one.
 */
async function goalsAdvancedBy(sql: SqlRunner, recordId: number, action: HealthAction): Promise<number[]> {
  const goalType = GOAL_TYPE_OF_RECORD[action.recordType];
  if (!goalType) return [];
  const goals = await sql.raw<{ id: number }>(
    `SELECT id FROM health_goals
      WHERE user_id = $1 AND goal_type = $2 AND state = 'active'
        AND (start_date IS NULL OR start_date <= $3::timestamp::date)
        AND (end_date IS NULL OR end_date >= $3::timestamp::date)
      ORDER BY id FOR UPDATE`,
    [action.userId, goalType, action.measuredAt],
  );
  if (!goals.length) return [];
  const [newer] = await sql.raw<{ newer: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM health_records WHERE user_id = $1 AND record_type = $2 AND id <> $3 AND measured_at > $4::timestamp) AS newer`,
    [action.userId, action.recordType, recordId, action.measuredAt],
  );
  // A goal whose state changed while this waited for its lock was checked again by FOR UPDATE (READ COMMITTED re-reads the row).
  return newer?.newer ? [] : goals.map((g) => g.id);
}

/** The UTC timestamp Odoo writes in create_date / write_date. */
function utcNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}
