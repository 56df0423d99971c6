import { missingBehaviour, valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { pythonMethodOwners } from '../dispatch/python-methods.ts';
import type { ModelInfo } from '../registry/types.ts';
import { idsOf, type MethodTable } from './method.ts';

/**
 * Public BaseModel methods the web client and scripts call around views (ir_ui_view.py, Odoo 18),
 * answered where the installed modules do not override them, or override them in a way written
 * here; any other override gets the clear refusal (the Python is not run):
 *   get_formview_id      False
 *   get_formview_action  an act_window opening the record in its form view
 *   view_header_get      False (res.partner / product: a title from context.category_id / categ_id, refused)
 *   get_import_templates []; res.partner, product.template, product.pricelist, product.supplierinfo: their template file
 *   get_empty_list_help  the help given (mail.thread's alias text needs context.empty_list_help_model: refused then)
 */
function onlyBase(model: ModelInfo, method: string, handled: readonly string[] = []): void {
  const owners = pythonMethodOwners(model.name, method).filter((owner) => owner !== 'base' && !handled.includes(owner));
  if (owners.length) throw missingBehaviour(model.name, `${method} (overridden by ${owners.join(', ')})`);
}

function recordsetRepr(model: string, ids: readonly number[]): string {
  return `${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`;
}

/** `self.id` of a recordset: False when empty, the id of a singleton, else "Expected singleton". */
function singletonId(model: ModelInfo, ids: readonly number[]): number | false {
  if (!ids.length) return false;
  if (ids.length > 1) throw valueError(`Expected singleton: ${recordsetRepr(model.name, ids)}`);
  return ids[0]!;
}

const IMPORT_TEMPLATES: Record<string, { label: string; template: string }> = {
  'res.partner': { label: 'Import Template for Customers', template: '/base/static/xls/res_partner.xlsx' },
  'product.template': { label: 'Import Template for Products', template: '/product/static/xls/product_template.xls' },
  'product.pricelist': { label: 'Import Template for Pricelists', template: '/product/static/xls/product_pricelist.xls' },
  'product.supplierinfo': { label: 'Import Template for Vendor Pricelists', template: '/product/static/xls/product_supplierinfo.xls' },
};

function english(ctx: CallContext, model: ModelInfo, method: string): void {
  // The labels are translatable terms; Ficus has their English source only.
  if (ctx.lang !== 'en_US') throw missingBehaviour(model.name, `${method} in ${ctx.lang}`);
}

export const CLIENT_HELPER_METHODS: MethodTable = {
  get_formview_id: {
    api: 'records',
    signature: { qualname: 'Base.get_formview_id', params: [{ name: 'access_uid', default: null }] },
    async run(_ctx, model) {
      onlyBase(model, 'get_formview_id');
      return false;
    },
  },
  get_formview_action: {
    api: 'records',
    signature: { qualname: 'Base.get_formview_action', params: [{ name: 'access_uid', default: null }] },
    async run(ctx, model, _a, rawIds) {
      onlyBase(model, 'get_formview_action');
      onlyBase(model, 'get_formview_id');
      const ids = idsOf(rawIds);
      // `self.id` is read after the dict's other values: a multi-record call fails on it.
      const resId = singletonId(model, ids);
      return { type: 'ir.actions.act_window', res_model: model.name, views: [[false, 'form']], target: 'current', res_id: resId, context: { ...ctx.context } };
    },
  },
  view_header_get: {
    api: 'model',
    signature: { qualname: 'Base.view_header_get', params: [{ name: 'view_id', default: null }, { name: 'view_type', default: 'form' }] },
    async run(ctx, model) {
      const byContext: Record<string, string> = { 'res.partner': 'category_id', 'product.product': 'categ_id' };
      const key = byContext[model.name];
      if (key && ctx.context[key]) throw missingBehaviour(model.name, `view_header_get (a title from context.${key})`);
      onlyBase(model, 'view_header_get', Object.keys(byContext));
      return false;
    },
  },
  get_import_templates: {
    api: 'model',
    signature: { qualname: 'Base.get_import_templates', params: [] },
    async run(ctx, model) {
      const template = IMPORT_TEMPLATES[model.name];
      onlyBase(model, 'get_import_templates', Object.keys(IMPORT_TEMPLATES));
      if (!template) return [];
      english(ctx, model, 'get_import_templates');
      return [{ ...template }];
    },
  },
  get_empty_list_help: {
    api: 'model',
    signature: { qualname: 'Base.get_empty_list_help', params: [{ name: 'help_message' }] },
    async run(ctx, model, a) {
      // mail.thread's override (and product's and sale.order's, which only name the document) adds an alias
      // text only for context.empty_list_help_model; without it, the help comes back as given.
      if (ctx.context.empty_list_help_model) throw missingBehaviour(model.name, 'get_empty_list_help with an alias (context.empty_list_help_model)');
      onlyBase(model, 'get_empty_list_help', ['mail.thread', 'product.product', 'product.template', 'sale.order']);
      return a.help_message;
    },
  },
};
