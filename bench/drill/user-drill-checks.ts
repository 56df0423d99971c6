import type pg from 'pg';
import { goalProgress } from '../../migration/reconcile/user-rules.ts';
import { baselineIds, sideChecker, type SideCheck } from './side-check.ts';
import type { UserLoadReport } from './user-load.ts';

/** M02's tables, and the rows of the drill's users each held before the drill (ids), on the monolith. */
export type M02Baseline = Record<M02Table, Set<number>>;
type M02Table = 'health_records' | 'health_goals' | 'device_bindings' | 'assessments';
const TABLES: readonly M02Table[] = ['health_records', 'health_goals', 'device_bindings', 'assessments'];
const OF_USERS = 'user_id = ANY($1::int4[])';

/** One side's rows against what the clients were answered. */
export type M02SideCheck = SideCheck;

/** The ids of the rows each M02 table holds for `userIds`, before the drill writes any. */
export async function m02Baseline(pool: pg.Pool, userIds: readonly number[]): Promise<M02Baseline> {
  return (await baselineIds(pool, TABLES.map((table) => ({ table, where: OF_USERS, owners: userIds })))) as M02Baseline;
}

const differs = (a: number | null, b: number | null) => (a === null || b === null ? a !== b : Math.abs(a - b) > 1e-9);

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it (a record's type and values, a goal's state, values and stored
 * progress, a binding's serial and active flag, an assessment's score and risk level), and no
 * other new row of the drill's members in M02's tables.
 */
export async function checkM02Side(side: M02SideCheck['side'], pool: pg.Pool, baseline: M02Baseline, report: UserLoadReport): Promise<M02SideCheck> {
  const { check, newRows: rowsOf, compare } = sideChecker(side, pool, baseline);
  const newRows = <R extends { id: number }>(table: M02Table, columns: string) => rowsOf<R>(table, columns, OF_USERS, report.memberIds);

  type RecordRow = { id: number; user_id: number; record_type: string; value: number | null; value2: number | null; device_binding_id: number | null; measured_at: string };
  const records = await newRows<RecordRow>('health_records', 'user_id, record_type, value, value2, device_binding_id, measured_at::text AS measured_at');
  // Rows a device sync stored have no id the client was told: each synced reading is one row by its natural key.
  const syncedRows = (untracked: RecordRow[]): RecordRow[] => {
    const byKey = new Map<string, RecordRow[]>();
    for (const r of untracked) {
      const key = `${r.device_binding_id}/${r.record_type}/${r.measured_at}`;
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    for (const reading of report.syncedReadings) {
      const key = `${reading.bindingId}/${reading.recordType}/${reading.measuredAt}`;
      const found = byKey.get(key) ?? [];
      byKey.delete(key);
      if (!found.length) check.missing.push(`health_records synced reading ${key}`);
      else if (found[0]!.user_id !== reading.userId || differs(found[0]!.value, reading.value)) check.wrong.push(`health_records #${found[0]!.id}: synced reading ${key} holds user ${found[0]!.user_id} ${found[0]!.value}, sent user ${reading.userId} ${reading.value}`);
      for (const twice of found.slice(1)) check.extra.push(`health_records #${twice.id} (synced reading ${key} again)`);
    }
    return [...byKey.values()].flat();
  };
  compare('health_records', report.records, records, (t, r) =>
    r.user_id !== t.userId || r.record_type !== t.recordType || differs(r.value, t.value) || (t.value2 !== null && differs(r.value2, t.value2)) || r.device_binding_id !== t.deviceBindingId
      ? `holds user ${r.user_id} ${r.record_type} ${r.value}/${r.value2} device ${r.device_binding_id}, written user ${t.userId} ${t.recordType} ${t.value}/${t.value2} device ${t.deviceBindingId}`
      : undefined, syncedRows);

  const goals = await newRows<{ id: number; user_id: number; goal_type: string; state: string; target_value: number | null; current_value: number | null; progress: number | null }>(
    'health_goals', 'user_id, goal_type, state, target_value, current_value, progress',
  );
  compare('health_goals', report.goals, goals, (t, r) => {
    const progress = goalProgress(t.goalType, t.target, t.current);
    return r.user_id !== t.userId || r.state !== t.state || differs(r.target_value, t.target) || differs(r.current_value ?? 0, t.current) || differs(r.progress ?? 0, progress)
      ? `holds ${r.state} ${r.current_value}/${r.target_value} (${r.progress} %), last written ${t.state} ${t.current}/${t.target} (${progress} %)`
      : undefined;
  });

  const bindings = await newRows<{ id: number; user_id: number; serial: string | null; active: boolean | null }>('device_bindings', 'user_id, serial, active');
  compare('device_bindings', report.bindings, bindings, (t, r) =>
    r.user_id !== t.userId || r.serial !== t.serial || (r.active ?? false) !== t.active ? `holds ${r.serial} active ${r.active}, last written ${t.serial} active ${t.active}` : undefined);

  const assessments = await newRows<{ id: number; user_id: number; coach_id: number | null; score: number | null; risk_level: string | null }>('assessments', 'user_id, coach_id, score, risk_level');
  compare('assessments', report.assessments, assessments, (t, r) => {
    const risk = t.score >= 70 ? 'high' : t.score >= 40 ? 'medium' : 'low';
    return r.user_id !== t.userId || r.coach_id !== t.coachId || r.score !== t.score || r.risk_level !== risk
      ? `holds score ${r.score} (${r.risk_level}) by coach ${r.coach_id}, last written ${t.score} (${risk}) by coach ${t.coachId}`
      : undefined;
  });
  return check;
}
