import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import { normalizeDomain } from '../access/rule-domains.ts';
import { compileWhere } from '../domain/compile.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';

/**
 * mail.activity `can_write` (mail_activity.py `_compute_can_write` = `_filtered_access('write')` through
 * its own `_check_access`, Odoo 18): the reader's write ACL on mail.activity, then either the
 * activity's write rules (created by or assigned to the user) or, for an activity they refuse, the
 * reader's `_mail_post_access` right on its document: 'read' on the mail threads that say so
 * (account.move, discuss.channel…), 'write' elsewhere — that model's ACL, then its rules as superuser
 * with archived records. The documents are looked for among the models that can hold activities
 * (mail.activity.mixin or mail.thread); an activity on any other model is refused.
 */
const READ_POST_ACCESS = new Set(['account.move', 'hr.employee', 'hr.contract', 'hr.leave', 'hr.leave.allocation', 'project.task', 'blog.post', 'slide.slide', 'discuss.channel']);
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/**
 * A mail.thread model, as write/mail/mail-thread.ts `isMailThread` tells it (its own message_ids and
 * followers, a table); not imported from there, whose imports lead back to the compute registry.
 */
function isMailThread(model: ModelInfo): boolean {
  const messages = model.fields.get('message_ids');
  const followers = model.fields.get('message_follower_ids');
  return !!messages && !messages.inheritedVia && !!followers && !followers.inheritedVia && !!model.table;
}

function holdsActivities(model: ModelInfo): boolean {
  const activities = model.fields.get('activity_ids');
  return !!model.table && ((activities?.relation === 'mail.activity' && !activities.inheritedVia) || isMailThread(model));
}

/** `documents._check_access(op)` passing for the activity's document, per model that can hold one; NULL for an activity on another model. */
function documentAllows(scope: ComputeScope, a: string): Sql {
  const branches: Sql[] = [];
  for (const model of scope.env.registry.models.values()) {
    if (!holdsActivities(model)) continue;
    const operation = isMailThread(model) && READ_POST_ACCESS.has(model.name) ? 'read' : 'write';
    const right = operation === 'read' ? { granted: true, ruleDomain: scope.env.ruleDomain?.(model) ?? null } : scope.rightOf!(model, 'write');
    if (operation === 'read' && scope.checkRead) {
      try {
        scope.checkRead(model);
      } catch {
        right.granted = false;
      }
    }
    if (!right.granted) {
      branches.push(sql`WHEN ${model.name} THEN false`);
      continue;
    }
    const d = nextAlias(scope.env, model);
    const where = right.ruleDomain ? compileWhere(scope.env, model, normalizeDomain([...right.ruleDomain]), d, { sudo: true, activeTest: false }) : sql`TRUE`;
    branches.push(sql`WHEN ${model.name} THEN EXISTS (SELECT 1 FROM ${sql.table(model.table!)} AS ${sql.table(d)} WHERE ${sql.ref(`${d}.id`)} = ${column(a, 'res_id')} AND ${where})`);
  }
  return branches.length ? sql`(CASE ${column(a, 'res_model')} ${sql.join(branches, sql` `)} END)` : sql`NULL`;
}

export const ACTIVITY_WRITE_RIGHT: ComputedField = {
  dependsOn: ['res_model'], readsTables: [],
  select: (a, scope) => {
    const activity = scope.env.registry.model('mail.activity');
    const right = activity ? scope.rightOf?.(activity, 'write') : undefined;
    if (!activity || !right) return sql`TRUE`;
    if (!right.granted) return sql`FALSE`;
    const rules = right.ruleDomain ? compileWhere(scope.env, activity, normalizeDomain([...right.ruleDomain]), a, { sudo: true, activeTest: false }) : sql`TRUE`;
    return sql`CASE WHEN ${rules} THEN TRUE ELSE ${documentAllows(scope, a)} END`;
  },
  compute: (r) => {
    if (r.can_write === null || r.can_write === undefined) throw missingBehaviour('mail.activity', `the computed field can_write of an activity on ${String(r.res_model)}`);
    return r.can_write === true;
  },
};
