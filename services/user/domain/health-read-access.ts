import { sql, type Kysely, type RawBuilder } from 'kysely';
import { HttpProblem, problems, type AccessPort } from '../../kit/index.ts';

/** M02's models whose rows are someone's health data, and their tables (the same in svc_user and the monolith). */
export const HEALTH_MODEL_TABLES = {
  'hp.health.record': 'health_records',
  'hp.device.binding': 'device_bindings',
  'hp.health.goal': 'health_goals',
  'hp.assessment': 'assessments',
} as const;

export type HealthModel = keyof typeof HEALTH_MODEL_TABLES;

export function isHealthModel(model: string): model is HealthModel {
  return Object.hasOwn(HEALTH_MODEL_TABLES, model);
}

/**
 * What `acting` may read of `subject`'s rows of a model:
 * - `all`: every row of the subject (the read rules accept any row whose user_id is the subject:
 *   the member's own rows, a coach's or operator's reading of health records),
 * - `rules`: only some of them (hp.assessment for a coach: the ones whose coach_id is the coach).
 * `where(alias)` is the condition a query must put on the model's table under `alias`: the
 * subject's rows AND the engine's read rules for the acting user, so even a grant decided wrongly
 * could not let a query (an aggregate above all) reach another member's rows.
 */
export interface HealthReadGrant {
  readonly allowed: true;
  readonly acting: number;
  readonly subject: number;
  readonly model: HealthModel;
  readonly table: (typeof HEALTH_MODEL_TABLES)[HealthModel];
  readonly scope: 'all' | 'rules';
  where(alias: string): Promise<RawBuilder<boolean>>;
}

/** Why not: 403 (the ACL, or the read rules exclude the subject's rows) or 404 (no such user). `detail` is safe to show the caller. */
export interface HealthReadRefusal {
  readonly allowed: false;
  readonly status: 403 | 404;
  readonly detail: string;
}

export type HealthReadDecision = HealthReadGrant | HealthReadRefusal;

/**
 * Who may read whose health records, decided by the ORM engine's own access rules (the kit's
 * AccessPort over svc_user's copies of ir_model_access, ir_rule and the groups), never by a second
 * copy of hp_personal's security files. For hp_personal that means: members read their own rows,
 * coaches every health record (and the assessments they coach), operators and admins everything,
 * anybody else nothing (no ACL: Odoo's AccessError text, 403).
 *
 * The rules are evaluated where the rows live (`rows`: svc_user after cutover, the monolith before;
 * both have the same tables): first on a row that belongs to the subject and says nothing else
 * (every rule hp_personal has for reading depends on user_id or on nothing), which answers "all";
 * failing that, on the subject's real rows (rules on other columns, e.g. a coach's coach_id), which
 * answers "rules". A subject none of whose rows the user may read is refused with 403 rather than
 * shown an empty list that would read as "has no data" (the user exists; res.users is readable by
 * every member, so 403 reveals nothing). A subject that is no user is 404.
 */
export async function decideHealthRead(access: AccessPort, rows: Kysely<any>, subject: number, model: HealthModel): Promise<HealthReadDecision> {
  const table = HEALTH_MODEL_TABLES[model];
  if (!(await access.may(model, 'read'))) {
    // The engine's own AccessError text (which groups may read the model).
    const refusal = await access.check(model, 'read').then(() => null, (error: unknown) => error);
    return { allowed: false, status: 403, detail: refusal instanceof HttpProblem && refusal.detail ? refusal.detail : `user ${access.uid} may not read ${model}` };
  }
  const rules = await access.rules(model, 'read', 'r');
  const { rows: found } = await sql<{ user_exists: boolean; any_row: boolean; subject_row: boolean }>`
    SELECT EXISTS (SELECT 1 FROM res_users WHERE id = ${subject}) AS user_exists,
           EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::${sql.table(table)}, jsonb_build_object('user_id', ${subject}::int)) AS r WHERE ${rules}) AS any_row,
           EXISTS (SELECT 1 FROM ${sql.table(table)} AS r WHERE r.user_id = ${subject} AND ${rules}) AS subject_row`.execute(rows);
  const { user_exists: userExists, any_row: anyRow, subject_row: subjectRow } = found[0]!;
  if (!userExists) return { allowed: false, status: 404, detail: `user ${subject} does not exist` };
  if (!anyRow && !subjectRow) {
    return { allowed: false, status: 403, detail: `the record rules of ${model} do not allow user ${access.uid} to read the records of user ${subject}` };
  }
  return {
    allowed: true,
    acting: access.uid,
    subject,
    model,
    table,
    scope: anyRow ? 'all' : 'rules',
    async where(alias) {
      const aliasRules = alias === 'r' ? rules : await access.rules(model, 'read', alias);
      return sql<boolean>`(${sql.ref(`${alias}.user_id`)} = ${subject} AND ${aliasRules})`;
    },
  };
}

/** A refusal as the REST edge says it (RFC 9457). */
export function refusalProblem(refusal: HealthReadRefusal): HttpProblem {
  return refusal.status === 404 ? problems.notFound(refusal.detail) : problems.forbidden(refusal.detail);
}

/** decideHealthRead for a REST or FHIR route: the grant, or the refusal thrown as a problem. */
export async function authorizeHealthRead(access: AccessPort, rows: Kysely<any>, subject: number, model: HealthModel): Promise<HealthReadGrant> {
  const decision = await decideHealthRead(access, rows, subject, model);
  if (!decision.allowed) throw refusalProblem(decision);
  return decision;
}
