import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { WriteEnv } from './write-env.ts';

/**
 * `default_get` for create, in Odoo's precedence (lowest first): the field defaults we can know
 * (`active` = True; Python defaults registered as behaviour), then `ir_default` (company value
 * over the global one), then `default_<field>` keys of the context. Log columns are not
 * defaults: the INSERT sets them.
 */
export async function collectDefaults(w: WriteEnv, model: ModelInfo): Promise<Vals> {
  const defaults: Vals = {};
  if (model.activeField) defaults[model.activeField] = true;
  for (const b of w.behaviours.of(model.name)) if (b.defaults) Object.assign(defaults, await b.defaults(w.ctx));
  const company = w.ctx.access.companyId;
  for (const [name, field] of model.fields) {
    // Company-dependent defaults stay in ir_default: Odoo reads them as the fallback, it never copies them onto rows.
    if (field.companyDependent && field.columnType === 'jsonb') continue;
    const scoped = company != null ? w.ctx.registry.defaults.get(`${model.name}.${name}@${company}`) : undefined;
    const value = scoped !== undefined ? scoped : w.ctx.registry.defaults.get(`${model.name}.${name}`);
    if (value !== undefined) defaults[name] = value;
  }
  for (const [key, value] of Object.entries(w.ctx.context)) {
    if (!key.startsWith('default_')) continue;
    const name = key.slice('default_'.length);
    const field = model.fields.get(name);
    // Odoo ignores context defaults of unknown fields and of x2many command lists it cannot apply here.
    if (field) defaults[name] = value;
  }
  return defaults;
}
