import { pyRound2 } from '../../odoo-bridge/orm/python-round.ts';
import { on, type BusinessRule, type RuleBreach } from './rule-model.ts';

/**
 * The invariants of M02 (hp_personal, the user service): the two stored computed fields and the
 * one reference inside the module, from the addon's sources.
 *
 * - hp.health.goal `progress` (`_compute_progress`, store=True): `min(100.0, round(current /
 *   target * 100.0, 2))`, the other way round (target / current) for weight and glucose goals, 0
 *   without a target or a current value.
 * - hp.assessment `risk_level` (`_compute_risk_level`, store=True): high from a score of 70,
 *   medium from 40, low below (a score never set reads 0 in Odoo: low).
 * - hp.health.record `device_binding_id` (many2one, ondelete='set null'): in the monolith
 *   PostgreSQL's foreign key empties it when the binding goes; svc_user keeps no foreign keys
 *   (the sync applies a batch per table), so a binding deleted on the service side must empty it
 *   there through the engine.
 *
 * These tables hold health data: a breach names ids, users and states only, never a measured
 * value, a target, a score or a risk level (SERVICES.md point 6). The repairs write what Odoo's
 * recompute (or the foreign key) would have written, on the table's system of record, each
 * checking in its statement that the breach still stands.
 */

const lowerIsBetter = (goalType: string) => goalType === 'weight' || goalType === 'glucose';


/** `_compute_progress` of hp_health_goal.py, in floats as Python computes it. */
export function goalProgress(goalType: string, target: number | null, current: number | null): number {
  if (!target || !current) return 0;
  return Math.min(100, pyRound2(lowerIsBetter(goalType) ? (target / current) * 100 : (current / target) * 100));
}

/** `_compute_risk_level` of hp_assessment.py. */
export function riskLevel(score: number | null): 'low' | 'medium' | 'high' {
  const s = score ?? 0;
  return s >= 70 ? 'high' : s >= 40 ? 'medium' : 'low';
}

/** The same thresholds in SQL, so that a repair writes the level from the row's own score without printing it. */
export const RISK_LEVEL_SQL = `CASE WHEN coalesce(score, 0) >= 70 THEN 'high' WHEN coalesce(score, 0) >= 40 THEN 'medium' ELSE 'low' END`;

const goalProgressComputed: BusinessRule = {
  id: 'goal-progress-computed',
  title: "Every health goal's stored progress is the one its values give",
  description:
    'For every health goal, progress equals min(100, round(current_value / target_value × 100, 2)) — target_value / current_value ' +
    'for weight and glucose goals — and 0 without a target or a current value, as hp.health.goal computes and stores it.',
  tables: ['health_goals'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'health_goals').query<{
      id: number; user_id: number; goal_type: string; state: string; target_value: number | null; current_value: number | null; progress: number | null; write_date: string | null;
    }>(`SELECT id, user_id, goal_type, state, target_value, current_value, progress, write_date::text AS write_date FROM health_goals ORDER BY id`);
    return rows.flatMap((g): RuleBreach[] => {
      const expected = goalProgress(g.goal_type, g.target_value, g.current_value);
      if (g.progress !== null && Math.abs(g.progress - expected) < 1e-9) return [];
      if (g.progress === null && expected === 0 && (!g.target_value || !g.current_value)) return [];
      return [{
        ids: { health_goals: [g.id], res_users: [g.user_id] },
        detail: `goal ${g.id} (user ${g.user_id}, ${g.goal_type}, ${g.state}): its stored progress is not the one its target and current value give`,
        repair: { kind: 'recompute-goal-progress', table: 'health_goals', goalId: g.id, progress: expected, writeDate: g.write_date },
      }];
    });
  },
};

const assessmentRiskLevel: BusinessRule = {
  id: 'assessment-risk-level-computed',
  title: "Every assessment's risk level is the one its score gives",
  description: 'For every assessment, risk_level is high for a score of 70 or more, medium from 40, low below (and for no score), as hp.assessment computes and stores it.',
  tables: ['assessments'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'assessments').query<{ id: number; user_id: number; coach_id: number | null; score: number | null; risk_level: string | null }>(
      `SELECT id, user_id, coach_id, score, risk_level FROM assessments ORDER BY id`,
    );
    return rows
      .filter((a) => a.risk_level !== riskLevel(a.score))
      .map((a) => ({
        ids: { assessments: [a.id], res_users: [a.user_id] },
        detail: `assessment ${a.id} (user ${a.user_id}${a.coach_id ? `, coach ${a.coach_id}` : ''}): its stored risk level is not the one its score gives`,
        repair: { kind: 'recompute-risk-level', table: 'assessments', assessmentId: a.id },
      }));
  },
};

const recordDeviceExists: BusinessRule = {
  id: 'health-record-device-exists',
  title: 'No health record names a device binding that does not exist',
  description: "Every health record with a device_binding_id finds that binding (hp.health.record's many2one is ondelete='set null': a deleted binding empties it).",
  tables: ['health_records', 'device_bindings'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows } = await on(locate, 'health_records').query<{ id: number; user_id: number; device_binding_id: number }>(
      `SELECT id, user_id, device_binding_id FROM health_records WHERE device_binding_id IS NOT NULL ORDER BY id`,
    );
    const named = [...new Set(rows.map((r) => r.device_binding_id))];
    const existing = new Set((await on(locate, 'device_bindings').query<{ id: number }>(`SELECT id FROM device_bindings WHERE id = ANY($1::int4[])`, [named])).rows.map((r) => r.id));
    return rows
      .filter((r) => !existing.has(r.device_binding_id))
      .map((r) => ({
        ids: { health_records: [r.id], device_bindings: [r.device_binding_id], res_users: [r.user_id] },
        detail: `health record ${r.id} (user ${r.user_id}) names device binding ${r.device_binding_id}, which does not exist`,
        repair: { kind: 'unlink-missing-device', table: 'health_records', recordId: r.id, deviceBindingId: r.device_binding_id },
      }));
  },
};

export const USER_RULES: readonly BusinessRule[] = [goalProgressComputed, assessmentRiskLevel, recordDeviceExists];
