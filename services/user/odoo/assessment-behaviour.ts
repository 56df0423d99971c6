import type { ModelBehaviour } from '../../../odoo-bridge/orm/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { recomputeRiskLevel } from '../domain/assessments.ts';

/** hp.assessment: the stored risk_level from score (domain/assessments.ts). */
export function assessmentBehaviour(): ModelBehaviour {
  return { compute: { risk_level: (ctx, ids) => recomputeRiskLevel(onQueryable(ctx.db), ids) } };
}
