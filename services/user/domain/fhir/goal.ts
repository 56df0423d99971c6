import { sql } from 'kysely';
import type { GoalState, GoalType } from '../../db/tables.ts';
import { dateText, fhirInstant, instantText } from './instants.ts';
import type { Extension, Goal, GoalLifecycleStatus } from './resources.ts';
import { GOAL_ACHIEVEMENT, GOAL_MEASURES, UCUM } from './terminology.ts';

/** An hp.health.goal row as the FHIR view reads it (health_goals under alias g). */
export interface HealthGoalRow {
  id: number;
  user_id: number;
  goal_type: GoalType;
  state: GoalState;
  start_date: string | null;
  end_date: string | null;
  write_date: string | null;
  target_value: number | null;
  current_value: number | null;
  progress: number | null;
}

export const HEALTH_GOAL_COLUMNS = sql`g.id, g.user_id, g.goal_type, g.state, ${dateText(sql`g.start_date`)} AS start_date, ${dateText(sql`g.end_date`)} AS end_date,
  ${instantText(sql`g.write_date`)} AS write_date, g.target_value, g.current_value, g.progress`;

/** Where the view's own extensions are defined (Goal has no element for how far a goal got). */
export const GOAL_PROGRESS_EXTENSION = 'https://ficus.dev/fhir/StructureDefinition/goal-progress';
export const GOAL_CURRENT_VALUE_EXTENSION = 'https://ficus.dev/fhir/StructureDefinition/goal-current-value';

/**
 * hp.health.goal's state as FHIR's two statuses: an active goal is active and in progress; an
 * achieved one completed and achieved (action_record_progress reached the target); an abandoned
 * one cancelled and not achieved (action_abandon).
 */
export const GOAL_STATUS: Record<GoalState, { lifecycle: GoalLifecycleStatus; achievement: { code: string; display: string } }> = {
  active: { lifecycle: 'active', achievement: { code: 'in-progress', display: 'In Progress' } },
  achieved: { lifecycle: 'completed', achievement: { code: 'achieved', display: 'Achieved' } },
  abandoned: { lifecycle: 'cancelled', achievement: { code: 'not-achieved', display: 'Not Achieved' } },
};

/**
 * An hp.health.goal as a FHIR R4 Goal: its type as the description and as the target's measure
 * (the LOINC code of the observations that track it), target_value as detailQuantity in the unit
 * the monolith records that type in, end_date as the due date. Goal has no element for progress:
 * `progress` (the addon's stored percentage, 0–100) and `current_value` travel as extensions.
 */
export function goalOf(row: HealthGoalRow): Goal {
  const { measure, ucum, description } = GOAL_MEASURES[row.goal_type];
  const status = GOAL_STATUS[row.state];
  const extension: Extension[] = [];
  if (isJsonNumber(row.progress)) extension.push({ url: GOAL_PROGRESS_EXTENSION, valueDecimal: row.progress });
  if (isJsonNumber(row.current_value)) extension.push({ url: GOAL_CURRENT_VALUE_EXTENSION, valueQuantity: { value: row.current_value, unit: ucum.unit, system: UCUM, code: ucum.code } });
  return {
    resourceType: 'Goal',
    id: String(row.id),
    ...(row.write_date ? { meta: { lastUpdated: fhirInstant(row.write_date) } } : {}),
    ...(extension.length ? { extension } : {}),
    lifecycleStatus: status.lifecycle,
    achievementStatus: { coding: [{ system: GOAL_ACHIEVEMENT, ...status.achievement }], text: status.achievement.display },
    description: { text: description },
    subject: { reference: `Patient/${row.user_id}` },
    ...(row.start_date ? { startDate: row.start_date } : {}),
    target: [{
      measure: { coding: [{ ...measure }], text: measure.display },
      ...(isJsonNumber(row.target_value) ? { detailQuantity: { value: row.target_value, unit: ucum.unit, system: UCUM, code: ucum.code } } : {}),
      ...(row.end_date ? { dueDate: row.end_date } : {}),
    }],
    ...(row.write_date ? { statusDate: row.write_date.slice(0, 10) } : {}),
  };
}

/** A float JSON can carry (Odoo's float fields also hold NaN and infinities, which FHIR's decimal cannot). */
export function isJsonNumber(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}
