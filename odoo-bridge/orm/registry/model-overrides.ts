/**
 * Model facts Odoo keeps in Python, not in the database.
 *
 * `_order` is in `ir_model.order` since 16, so `order` here is only a fallback for older
 * databases. `_rec_name` and `_rec_names_search` are never stored: the rows below were read
 * from Odoo 18's core sources (odoo/addons/base, product, sale, uom, account) and from the
 * hp_* addons (/work/shared/legacy-odoo/addons/<addon>/models/*.py, `_rec_name = …`).
 * Without an entry, Odoo's default applies: `name` if the model has it, else `x_name`, else
 * none (display name `model,id`).
 */
export interface ModelOverride {
  recName?: string | null;
  recNamesSearch?: string[];
  order?: string;
  parentName?: string;
}

export const MODEL_OVERRIDES: Record<string, ModelOverride> = {
  // Odoo core (18.0)
  'res.partner': { recNamesSearch: ['complete_name', 'email', 'ref', 'vat', 'company_registry'], order: 'complete_name ASC, id DESC' },
  // res.users has no _rec_names_search: its name search is `name`, plus an exact login (compile.ts).
  'res.users': { order: 'name, login' },
  'res.company': { order: 'sequence, name' },
  'res.country': { recNamesSearch: ['name', 'code'], order: 'name' },
  'res.country.state': { recNamesSearch: ['name', 'code'], order: 'country_id, code' },
  'res.currency': { order: 'active desc, name' },
  'res.groups': { order: 'name' },
  'res.lang': { order: 'active desc,name' },
  'ir.model': { order: 'model' },
  'ir.model.fields': { recName: 'field_description', order: 'name' },
  'ir.model.data': { recName: 'name', order: 'module, model, name' },
  'ir.model.access': { order: 'model_id,group_id,name,id' },
  'ir.rule': { order: 'model_id DESC,id' },
  'ir.attachment': { order: 'id desc' },
  'product.category': { recName: 'complete_name', order: 'complete_name' },
  // product.template, product.product and account.account set no _rec_names_search in 18.0: their
  // display_name search is their own _search_display_name (display-name-domains.ts) over `name`.
  'product.template': { order: 'is_favorite desc, name' },
  'product.product': { order: 'is_favorite desc, default_code, name, id' },
  'sale.order': { order: 'date_order desc, id desc' },
  'sale.order.line': { recNamesSearch: ['name', 'order_id.name'], order: 'order_id, sequence, id' },
  'uom.uom': { order: 'factor DESC, id' },
  'account.tax': { order: 'sequence,id' },
  // hp_* addons of the legacy monolith (`_rec_name` lines of their models)
  'hp.auth.token': { recName: 'scope' },
  'hp.ad.impression': { recName: 'campaign_id' },
  'hp.ai.generation.task': { recName: 'task_type' },
  'hp.ai.insight': { recName: 'insight_type' },
  'hp.community.post': { recName: 'title' },
  'hp.comment': { recName: 'post_id' },
  'hp.community.member': { recName: 'user_id' },
  'hp.activity': { recName: 'summary' },
  'hp.user.feed': { recName: 'activity_id' },
  'hp.recommendation': { recName: 'reason' },
  'hp.gift.order': { recName: 'gift_id' },
  'hp.grab.order': { recName: 'service_order_id' },
  'hp.certification': { recName: 'coach_id' },
  'hp.rating': { recName: 'coach_id' },
  'hp.content.purchase': { recName: 'content_id' },
  'hp.knowledge.content': { recName: 'title' },
  'hp.live.stream': { recName: 'title' },
  'hp.inventory': { recName: 'product_id' },
  'hp.mall.order.line': { recName: 'product_id' },
  'hp.appointment': { recName: 'order_id' },
  'hp.notification': { recName: 'title' },
  'hp.payment': { recName: 'reference' },
  'hp.settlement': { recName: 'payee_id' },
  'hp.assessment': { recName: 'assessment_type' },
  'hp.device.binding': { recName: 'serial' },
  'hp.health.goal': { recName: 'goal_type' },
  'hp.health.record': { recName: 'record_type' },
  'hp.points.transaction': { recName: 'reason' },
  'hp.qa.question': { recName: 'title' },
  'hp.qa.answer': { recName: 'question_id' },
  'hp.risk.alert': { recName: 'rule_id' },
  'hp.audit.log': { recName: 'action' },
  'hp.biz.dashboard': { recName: 'owner_id' },
};

/**
 * `_inherits` delegations known from Odoo's sources. Detection from the database (inherited
 * fields are reflected as related `<fk>.<name>` fields) finds these and custom ones too; the
 * list only guards against a partial reflection.
 */
export const KNOWN_INHERITS: Record<string, Record<string, string>> = {
  'res.users': { 'res.partner': 'partner_id' },
  'product.product': { 'product.template': 'product_tmpl_id' },
};
