import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { RiskLevel } from '../db/tables.ts';

/**
 * hp.assessment's stored `risk_level` (`_compute_risk_level`, depends on `score`): high from 70,
 * medium from 40, low below (an empty Integer reads 0, so no score is low).
 */
export function riskLevelOf(score: number | null): RiskLevel {
  const value = score ?? 0;
  if (value >= 70) return 'high';
  if (value >= 40) return 'medium';
  return 'low';
}

/** Stores `risk_level` for `ids` (after a create, or a write of score). */
export async function recomputeRiskLevel(sql: SqlRunner, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const rows = await sql.run(build.selectFrom('assessments').select(['id', 'score']).where('id', 'in', [...new Set(ids)]));
  if (!rows.length) return;
  await sql.raw(
    `UPDATE assessments a SET risk_level = v.risk_level FROM unnest($1::int4[], $2::varchar[]) AS v(id, risk_level) WHERE a.id = v.id`,
    [rows.map((r) => r.id), rows.map((r) => riskLevelOf(r.score))],
  );
}
