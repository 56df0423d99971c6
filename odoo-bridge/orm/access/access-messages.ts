import { OdooError } from '../../errors.ts';
import type { AccessMode } from '../access-policy.ts';
import { translated, type Translations } from '../registry/types.ts';
import type { ModelGrant } from './access-tables.ts';

/** Texts of odoo/addons/base/models/ir_model.py (ACCESS_ERROR_*) and ir_rule.py `_make_access_error`, Odoo 18. */
const ACL_HEADER: Record<AccessMode, string> = {
  read: "You are not allowed to access '%s' (%s) records.",
  write: "You are not allowed to modify '%s' (%s) records.",
  create: "You are not allowed to create '%s' (%s) records.",
  unlink: "You are not allowed to delete '%s' (%s) records.",
};

export function modelAclError(model: string, description: Translations | undefined, mode: AccessMode, grant: ModelGrant | undefined, lang: string): OdooError {
  const kind = translated(description, lang) || model;
  const header = ACL_HEADER[mode].replace('%s', kind).replace('%s', model);
  const groups = (grant?.groupLabels ?? []).map(({ category, group }) => {
    const c = category ? translated(category, lang) : '';
    const g = translated(group, lang);
    return `\t- ${c ? `${c}/${g}` : g}`;
  });
  const groupInfo = groups.length
    ? `This operation is allowed for the following groups:\n${groups.join('\n')}`
    : 'No group currently allows this operation.';
  return new OdooError(
    'odoo.exceptions.AccessError',
    `${header}\n\n${groupInfo}\n\nContact your administrator to request access if necessary.`,
  );
}

export type CompanyHint =
  | { kind: 'none' }
  | { kind: 'several' }
  | { kind: 'switch'; companyId: number; companyName: string }
  | { kind: 'unreachable' };

/**
 * The record-rule AccessError as RPC users see it. Odoo only shows the failing records and
 * rule names in debug mode (`base.group_no_one` *and* a debug session); RPC calls have no
 * debug session, so the short form is the one clients get (golden acl.003, seq_acl#34).
 */
export function recordRuleError(userName: string, uid: number, model: string, description: Translations | undefined, mode: AccessMode, hint: CompanyHint, lang: string): OdooError {
  const kind = translated(description, lang) || model;
  let resolution = 'If you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.';
  let context: Record<string, unknown> = {};
  if (hint.kind === 'several') {
    resolution += '\n\nNote: this might be a multi-company issue. Switching company may help - in Odoo, not in real life!';
  } else if (hint.kind === 'switch') {
    context = { suggested_company: { id: hint.companyId, display_name: hint.companyName } };
    resolution += `\n\nThis seems to be a multi-company issue, you might be able to access the record by switching to the company: ${hint.companyName}.`;
  } else if (hint.kind === 'unreachable') {
    resolution += '\n\nThis seems to be a multi-company issue, but you do not have access to the proper company to access the record anyhow.';
  }
  const message =
    `Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, ${userName} (id=${uid}) doesn't have '${mode}' access to:\n` +
    `- ${kind} (${model})\n\n${resolution}`;
  return new OdooError('odoo.exceptions.AccessError', message, { context });
}

/** `env.companies` with `allowed_company_ids` the user does not belong to (odoo/api.py). */
export function invalidCompaniesError(): OdooError {
  return new OdooError('odoo.exceptions.AccessError', 'Access to unauthorized or invalid companies.');
}
