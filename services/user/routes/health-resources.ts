import { sql, type Kysely } from 'kysely';

/** A goal as the REST API shows it (schemas/rest/user/health-goal.json). */
export interface HealthGoalResource {
  id: number;
  userId: number;
  goalType: string;
  state: string;
  targetValue: number;
  currentValue: number;
  progress: number;
  startDate: string | null;
  endDate: string | null;
}

/** A health record as the REST API shows it (schemas/rest/user/health-action.json). */
export interface HealthActionResource {
  id: number;
  userId: number;
  recordType: string;
  value: number | null;
  value2: number | null;
  unit: string | null;
  measuredAt: string;
  source: string | null;
  deviceBindingId: number | null;
  note: string | null;
}

interface GoalRow { id: number; user_id: number; goal_type: string; state: string; target_value: number | null; current_value: number | null; progress: number | null; start_date: string | null; end_date: string | null }

// Dates and UTC timestamps as text in SQL: node-pg would read a `timestamp without time zone` in the process's zone.
export const GOAL_COLUMNS = sql.raw(`g.id, g.user_id, g.goal_type, g.state, g.target_value, g.current_value, g.progress,
  to_char(g.start_date, 'YYYY-MM-DD') AS start_date, to_char(g.end_date, 'YYYY-MM-DD') AS end_date`);

/** Float columns read 0.0 when empty, as Odoo's fields do. */
export function goalResourceOf(row: GoalRow): HealthGoalResource {
  return {
    id: row.id, userId: row.user_id, goalType: row.goal_type, state: row.state, targetValue: row.target_value ?? 0, currentValue: row.current_value ?? 0,
    progress: row.progress ?? 0, startDate: row.start_date, endDate: row.end_date,
  };
}

/** The goals `ids` as resources, in the order of `ids` (access is the caller's business). */
export async function readGoalResources(rows: Kysely<any>, ids: readonly number[]): Promise<HealthGoalResource[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const { rows: found } = await sql<GoalRow>`SELECT ${GOAL_COLUMNS} FROM health_goals g WHERE g.id = ANY(${unique}::int4[])`.execute(rows);
  const byId = new Map(found.map((r) => [r.id, goalResourceOf(r)]));
  return unique.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

interface RecordRow { id: number; user_id: number; record_type: string; value: number | null; value2: number | null; unit: string | null; measured_at: string; source: string | null; device_binding_id: number | null; note: string | null }

export const RECORD_COLUMNS = sql.raw(`r.id, r.user_id, r.record_type, r.value, r.value2, r.unit,
  to_char(r.measured_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS measured_at, r.source, r.device_binding_id, r.note`);

export function healthActionResourceOf(row: RecordRow): HealthActionResource {
  return {
    id: row.id, userId: row.user_id, recordType: row.record_type, value: row.value, value2: row.value2, unit: row.unit, measuredAt: row.measured_at,
    source: row.source, deviceBindingId: row.device_binding_id, note: row.note,
  };
}

/** One health record as a resource, when `where` (the caller's read condition over alias `r`) includes it. */
export async function readHealthActionResource(rows: Kysely<any>, id: number, where = sql<boolean>`TRUE`): Promise<HealthActionResource | undefined> {
  const { rows: found } = await sql<RecordRow>`SELECT ${RECORD_COLUMNS} FROM health_records r WHERE r.id = ${id} AND ${where}`.execute(rows);
  return found[0] && healthActionResourceOf(found[0]);
}
