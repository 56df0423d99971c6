import type { RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { CertificationLevel, CertificationState } from '../db/tables.ts';
import type { CertificationWriter } from './certifications.ts';

/** One hp.certification row as REST shows it. */
export interface CertificationRecord {
  id: number;
  coachId: number;
  level: CertificationLevel;
  state: CertificationState;
  certifiedOn: string | null;
  expiresOn: string | null;
}

interface CertificationRow {
  id: number; coach_id: number; level: CertificationLevel; state: CertificationState; certified_on: string | null; expires_on: string | null;
}

const COLUMNS = 'id, coach_id, level, state, certified_on::text AS certified_on, expires_on::text AS expires_on';
const recordOf = (r: CertificationRow): CertificationRecord => ({ id: r.id, coachId: r.coach_id, level: r.level, state: r.state, certifiedOn: r.certified_on, expiresOn: r.expires_on });

export async function readCertification(sql: SqlRunner, id: number): Promise<CertificationRecord | undefined> {
  const [row] = await sql.raw<CertificationRow>(`SELECT ${COLUMNS} FROM certifications WHERE id = $1`, [id]);
  return row && recordOf(row);
}

/** A coach's certifications in hp.certification's `_order` (certified_on desc, id desc; Odoo puts NULLs first descending, as PostgreSQL does). */
export async function coachCertifications(
  sql: SqlRunner,
  query: { coachId: number; state?: CertificationState; limit: number; offset: number; /** Read rules over alias `c`, placeholders after the two filters (the kit's rulesSql). */ visible?: RulesSql },
): Promise<{ items: CertificationRecord[]; total: number }> {
  const where = `c.coach_id = $1 AND ($2::varchar IS NULL OR c.state = $2)${query.visible ? ` AND (${query.visible.sql})` : ''}`;
  const values = [query.coachId, query.state ?? null, ...(query.visible?.parameters ?? [])];
  const rows = await sql.raw<CertificationRow>(`SELECT ${COLUMNS} FROM certifications c WHERE ${where} ORDER BY c.certified_on DESC, c.id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [...values, query.limit, query.offset]);
  const [count] = await sql.raw<{ n: string }>(`SELECT count(*)::text AS n FROM certifications c WHERE ${where}`, values);
  return { items: rows.map(recordOf), total: Number(count?.n ?? 0) };
}

/** `write({'state': 'revoked'})` as a REST request makes it, where M05's rows live (write_uid and write_date as Odoo's write sets them). */
export function sqlCertificationWriter(sql: SqlRunner, uid: number): CertificationWriter {
  return {
    async write(ids, vals) {
      await sql.raw(`UPDATE certifications SET state = $2, write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[])`, [[...ids], vals.state, uid]);
    },
  };
}
