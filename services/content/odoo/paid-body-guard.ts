import type { DeclaredFieldGuard } from '../../../odoo-bridge/orm/index.ts';
import { paidBodyShownSql } from '../domain/paid-body.ts';

/**
 * hp.knowledge.content.body over Odoo RPC, for everyone but its buyers, its author and staff on
 * a paid content: `False`, as if empty (domain/paid-body.ts has the rule). A deliberate
 * difference (MIGRATION.md): the monolith shows every paid body to every member.
 */
export const PAID_BODY_GUARD: DeclaredFieldGuard = {
  name: 'Paid knowledge bodies: buyers, author and staff (content)',
  model: 'hp.knowledge.content',
  field: 'body',
  shownWhen: paidBodyShownSql,
};
