import { sql } from 'kysely';
import type { Sql } from '../domain/search-env.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';

/**
 * onboarding.onboarding / onboarding.onboarding.step computes (addons/onboarding, Odoo 18), for
 * env.company, the progress records read as the reader (their one2many):
 *
 * | field | value |
 * |---|---|
 * | onboarding current_progress_id / current_onboarding_state / is_onboarding_closed | the onboarding's progress of no company or of env.company: its id, state and closed flag; else False, 'not_done', False |
 * | onboarding is_per_company | a progress has a company, or one of its steps is per company |
 * | step current_progress_step_id / current_step_state | the step's progress step of no company or of env.company: its id and state; else False, 'not_done' |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const forEnvCompany = (scope: ComputeScope, company: Sql) => sql`(${company} IS NULL OR ${company} = ${sql.lit(scope.env.companyId ?? 0)})`;

interface Progress { id: number; state: string | null; closed: boolean | null }

function onboardingProgress(scope: ComputeScope, onboarding: Sql): Sql {
  const progress = searchAsReader(scope, 'onboarding.progress', []);
  const p = (name: string) => sql.ref(`${progress.alias}.${name}`);
  return sql`(SELECT json_build_object('id', ${p('id')}, 'state', ${p('onboarding_state')}, 'closed', ${p('is_onboarding_closed')})
    FROM ${sql.table(progress.table)} AS ${sql.table(progress.alias)}
    WHERE ${p('onboarding_id')} = ${onboarding} AND ${forEnvCompany(scope, p('company_id'))} AND ${progress.where} ORDER BY ${p('id')} LIMIT 1)`;
}

function stepProgress(scope: ComputeScope, step: Sql): Sql {
  const progress = searchAsReader(scope, 'onboarding.progress.step', []);
  const p = (name: string) => sql.ref(`${progress.alias}.${name}`);
  return sql`(SELECT json_build_object('id', ${p('id')}, 'state', ${p('step_state')})
    FROM ${sql.table(progress.table)} AS ${sql.table(progress.alias)}
    WHERE ${p('step_id')} = ${step} AND ${forEnvCompany(scope, p('company_id'))} AND ${progress.where} ORDER BY ${p('id')} LIMIT 1)`;
}

const ONBOARDING_TABLES = ['onboarding_progress'];
const STEP_TABLES = ['onboarding_progress_step'];

function fromProgress(name: string, pick: (progress: Progress | null) => unknown, many2one?: string): ComputedField {
  return {
    dependsOn: [], readsTables: ONBOARDING_TABLES, ...(many2one ? { many2one } : {}),
    select: (a, scope) => onboardingProgress(scope, column(a, 'id')),
    compute: (r) => pick(r[name] ? json<Progress>(r[name]) : null),
  };
}

export const ONBOARDING_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'onboarding.onboarding.current_progress_id': fromProgress('current_progress_id', (p) => p?.id ?? false, 'onboarding.progress'),
  'onboarding.onboarding.current_onboarding_state': fromProgress('current_onboarding_state', (p) => (p ? p.state ?? false : 'not_done')),
  'onboarding.onboarding.is_onboarding_closed': fromProgress('is_onboarding_closed', (p) => p?.closed === true),
  'onboarding.onboarding.is_per_company': {
    dependsOn: [], readsTables: ['onboarding_progress', 'onboarding_onboarding_step'],
    select: (a, scope) => {
      const progress = searchAsReader(scope, 'onboarding.progress', []);
      const p = (name: string) => sql.ref(`${progress.alias}.${name}`);
      const steps = scope.env.registry.model('onboarding.onboarding')?.fields.get('step_ids');
      const perCompanyStep = steps?.relationTable && steps.column1 && steps.column2
        ? sql`EXISTS (SELECT 1 FROM ${sql.table(steps.relationTable)} rel JOIN onboarding_onboarding_step s ON s.id = ${sql.ref(`rel.${steps.column2}`)}
            WHERE ${sql.ref(`rel.${steps.column1}`)} = ${column(a, 'id')} AND s.is_per_company)`
        : sql`false`;
      return sql`(EXISTS (SELECT 1 FROM ${sql.table(progress.table)} AS ${sql.table(progress.alias)}
        WHERE ${p('onboarding_id')} = ${column(a, 'id')} AND ${p('company_id')} IS NOT NULL AND ${progress.where}) OR ${perCompanyStep})`;
    },
    compute: (r) => r.is_per_company === true,
  },
  'onboarding.onboarding.step.current_progress_step_id': {
    dependsOn: [], readsTables: STEP_TABLES, many2one: 'onboarding.progress.step',
    select: (a, scope) => stepProgress(scope, column(a, 'id')),
    compute: (r) => (r.current_progress_step_id ? json<{ id: number }>(r.current_progress_step_id).id : false),
  },
  'onboarding.onboarding.step.current_step_state': {
    dependsOn: [], readsTables: STEP_TABLES,
    select: (a, scope) => stepProgress(scope, column(a, 'id')),
    compute: (r) => (r.current_step_state ? json<{ state: string | null }>(r.current_step_state).state ?? false : 'not_done'),
  },
};
