import type { InsightSeverity, InsightType } from '../db/tables.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { DetectedInsight } from './insight-detection.ts';

/**
 * hp.ai.insight rows (insights) written by the analysis, on whichever database holds M16 now.
 * A finding is stored once per member: `data.key` names it (its kind, metric and what pins it:
 * the window of a trend, the day of a change, the reading of an anomaly), and asking again
 * returns the stored row instead of adding a copy.
 */
export interface StoredInsight {
  id: number;
  userId: number;
  type: InsightType;
  severity: InsightSeverity;
  summary: string | null;
  data: Record<string, unknown>;
  generatedAt: string;
}

/** The key of a finding, unique per member. */
export function insightKey(finding: DetectedInsight): string {
  const d = finding.data;
  const window = d.window as { from: string; to: string };
  if (finding.kind === 'anomaly') return `anomaly:${finding.metric}:record:${String(d.recordId)}`;
  if (finding.kind === 'change_point') return `change_point:${finding.metric}:${String(d.changeAt)}:${window.from}..${window.to}`;
  return `trend:${finding.metric}:${window.from}..${window.to}`;
}

interface InsightRow {
  id: number;
  user_id: number;
  insight_type: InsightType;
  severity: InsightSeverity;
  summary: string | null;
  data: Record<string, unknown> | string | null;
  generated_at: string;
}

const asStored = (row: InsightRow): StoredInsight => ({
  id: row.id, userId: row.user_id, type: row.insight_type, severity: row.severity, summary: row.summary,
  data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data ?? {}) as Record<string, unknown>,
  generatedAt: `${row.generated_at.replace(' ', 'T')}Z`,
});

const COLUMNS = `id, user_id, insight_type, severity, summary, data, to_char(generated_at, 'YYYY-MM-DD HH24:MI:SS') AS generated_at`;

/**
 * Stores the findings not yet stored for `memberId` (by key) and returns every finding's row, in
 * the findings' order. `uid` is who asked (create_uid); the rows belong to the member (user_id),
 * as hp.ai.insight's record rule expects.
 */
export async function storeInsights(run: SqlRunner, memberId: number, uid: number, findings: readonly DetectedInsight[]): Promise<StoredInsight[]> {
  if (!findings.length) return [];
  const keys = findings.map(insightKey);
  // One member's writes in turn, so two requests at once cannot both store the same finding.
  await run.raw('SELECT pg_advisory_xact_lock(16, $1)', [memberId]);
  const existing = await run.raw<InsightRow & { key: string }>(
    `SELECT ${COLUMNS}, data->>'key' AS key FROM insights WHERE user_id = $1 AND data->>'key' = ANY($2::text[])`, [memberId, keys],
  );
  const byKey = new Map(existing.map((r) => [r.key, asStored(r)]));
  const fresh = findings.map((f, i) => ({ f, key: keys[i]! })).filter(({ key }) => !byKey.has(key));
  if (fresh.length) {
    const inserted = await run.raw<InsightRow & { key: string }>(
      `INSERT INTO insights (user_id, insight_type, severity, summary, data, generated_at, create_uid, write_uid, create_date, write_date)
       SELECT $1, t.insight_type, t.severity, t.summary, t.data, now() at time zone 'UTC', $2, $2, now() at time zone 'UTC', now() at time zone 'UTC'
         FROM unnest($3::varchar[], $4::varchar[], $5::text[], $6::jsonb[]) AS t(insight_type, severity, summary, data)
       RETURNING ${COLUMNS}, data->>'key' AS key`,
      [memberId, uid, fresh.map(({ f }) => f.insightType), fresh.map(({ f }) => f.severity), fresh.map(({ f }) => f.summary), fresh.map(({ f, key }) => JSON.stringify({ ...f.data, key }))],
    );
    for (const row of inserted) byKey.set(row.key, asStored(row));
  }
  return keys.map((key) => byKey.get(key)!);
}
