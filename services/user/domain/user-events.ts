import { isoUtc, type EventSink, type NewEvent } from '../../kit/index.ts';
import type { GoalType, HealthRecordType } from '../db/tables.ts';

/** The events the user service's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type UserEventType = 'health_action_recorded' | 'goal_achieved' | 'device_data_synced';

/** Where a use case's events go (the kit's EventSink): svc_user's outbox, or nowhere on the legacy side. */
export type UserEventSink = EventSink<UserEventType>;

export { NO_EVENTS } from '../../kit/index.ts';

export { isoUtc };

export interface AchievedGoal {
  id: number;
  userId: number;
  goalType: GoalType;
  targetValue: number;
  currentValue: number;
  achievedAt: Date;
}

/**
 * goal_achieved, keyed by the member so their events keep their order. JSON has no infinity or
 * NaN: a goal reached by a non-finite value (Python's float('inf') over RPC) cannot be
 * announced, so it yields no event (MIGRATION.md, user: known differences).
 */
export function goalAchievedEvent(goal: AchievedGoal): NewEvent<'goal_achieved'> | undefined {
  if (!Number.isFinite(goal.currentValue) || !Number.isFinite(goal.targetValue)) return undefined;
  return {
    type: 'goal_achieved',
    subject: `hp.health.goal/${goal.id}`,
    key: `user/${goal.userId}`,
    data: { goalId: goal.id, userId: goal.userId, goalType: goal.goalType, targetValue: goal.targetValue, currentValue: goal.currentValue, achievedAt: goal.achievedAt.toISOString() },
  };
}

export interface RecordedHealthAction {
  id: number;
  userId: number;
  recordType: HealthRecordType;
  value: number;
  value2: number | null;
  unit: string | null;
  measuredAt: string | Date;
  source: 'manual' | 'device' | 'coach';
  deviceBindingId: number | null;
}

/** health_action_recorded: what was measured and when; consumers that must not see values (dynamic) ignore it. */
export function healthActionRecordedEvent(record: RecordedHealthAction): NewEvent<'health_action_recorded'> {
  return {
    type: 'health_action_recorded',
    subject: `hp.health.record/${record.id}`,
    key: `user/${record.userId}`,
    data: {
      recordId: record.id, userId: record.userId, recordType: record.recordType, value: record.value, value2: record.value2, unit: record.unit,
      measuredAt: isoUtc(record.measuredAt), source: record.source, deviceBindingId: record.deviceBindingId,
    },
  };
}
