import type { FieldInfo, ModelInfo } from '../registry/types.ts';

/**
 * Relational fields declared `auto_join=True` in Odoo 18's modules (the legacy addons declare
 * none). expression.py turns `any`/`not any` on them (a dotted path is one) into a join
 * (many2one) or a plain subquery of `comodel._where_calc` (one2many): no `check_access` on the
 * comodel and no record rules, where every other path runs `comodel._search` as the user.
 * Listed by model, and by field shape for the mixins that bring them to many models.
 */
const DECLARED = new Set([
  'account.analytic.account.partner_id',
  'account.bank.statement.line.move_id',
  'account.move.l10n_latam_document_type_id',
  'account.move.line.account_id',
  'account.move.line.l10n_latam_document_type_id',
  'account.move.line.move_id',
  'account.move.line.payment_id',
  'account.move.line.statement_id',
  'account.move.line.statement_line_id',
  'account.payment.payment_transaction_id',
  'discuss.channel.member.channel_id',
  'discuss.channel.parent_channel_id',
  'discuss.voice.metadata.attachment_id',
  'event.sponsor.partner_id',
  'event.sponsor.sponsor_type_id',
  'gamification.goal.user_id',
  'mail.mail.mail_message_id',
  'mail.message.notification_ids',
  'product.product.product_tmpl_id',
  'project.project.partner_id',
  'res.partner.l10n_latam_identification_type_id',
  'res.partner.user_ids',
  'res.users.partner_id',
  'sale.order.order_line',
  'stock.move.line.picking_id',
  'stock.move.location_final_id',
  'stock.move.location_id',
  'stock.quant.location_id',
  'stock.valuation.layer.product_id',
]);

/** Mixin fields (mail.thread, mail.activity.mixin, portal, rating, resource.mixin): name, comodel, inverse. */
const FROM_MIXINS: readonly (readonly [string, string, string | null])[] = [
  ['activity_ids', 'mail.activity', 'res_id'],
  ['message_ids', 'mail.message', 'res_id'],
  ['website_message_ids', 'mail.message', 'res_id'],
  ['rating_ids', 'rating.rating', 'res_id'],
  ['rating_ids', 'rating.rating', 'parent_res_id'],
  ['resource_id', 'resource.resource', null],
];

export function isAutoJoin(model: ModelInfo, field: FieldInfo): boolean {
  if (field.type !== 'many2one' && field.type !== 'one2many') return false;
  if (DECLARED.has(`${model.name}.${field.name}`)) return true;
  return FROM_MIXINS.some(([name, comodel, inverse]) => field.name === name && field.relation === comodel && (field.relationField ?? null) === inverse);
}
