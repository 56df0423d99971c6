import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { computedFieldDefault, declaredRelatedDefault, pythonFactsOf } from '../registry/python-field-facts.ts';
import { evaluateDefault } from '../write/defaults.ts';
import { isReifiedGroupName, readWithReifiedGroups } from '../methods/user-reified-groups.ts';
import { groupsFromCommands } from '../write/core/res-users-groups.ts';
import { defaultUserGroupsInOdooOrder } from './default-user-groups.ts';
import { descriptionEnv, digitsOf, type DescriptionEnv } from '../methods/field-description.ts';
import { defaultInWriteFormat, type DefaultOrigin } from './default-value-format.ts';
import { DEFAULT_GET_OVERRIDES } from './default-get-overrides.ts';
import { modelIrDefaults } from '../write/ir-default-values.ts';
import { methodDefault } from './method-defaults.ts';

/**
 * `default_get(fields_list)`, per field (models.py): after `context.default_<field>` (baseDefaultGet:
 * the call's context keys, plus those a model's override adds), else the `ir_default` value of a
 * field that is not company-dependent (modelIrDefaults), else the Python default of the field as the installed
 * modules define it (literal, translated, an xml id, a decimal precision, or one that only needs
 * the environment: company, user, currency, lang, today/now; extracted from the sources,
 * registry/python-field-facts.ts), else a company-dependent field's `ir_default`, else nothing
 * (the field is left out, as Odoo does for fields without default, and for defaults computed by
 * code Ficus does not run).
 */
async function defaultOf(ctx: CallContext, model: ModelInfo, name: string, irDefaults: ReadonlyMap<string, unknown>): Promise<{ found: boolean; value?: unknown; origin?: DefaultOrigin }> {
  const stored = irDefaults.get(name);
  const field = model.fields.get(name);
  if (stored !== undefined && !field?.companyDependent) return { found: true, value: stored, origin: 'data' };
  const python = pythonFactsOf(ctx.registry, model).defaults.get(name)
    ?? (field ? computedFieldDefault(ctx.registry, model, field) ?? declaredRelatedDefault(ctx.registry, model, field) : undefined);
  if (python) {
    const value = await evaluateDefault(ctx, python, model);
    if (value !== undefined) return { found: true, value };
  }
  if (stored !== undefined) return { found: true, value: stored, origin: 'data' };
  const method = methodDefault(model, name);
  if (method) return { found: true, value: await method(ctx, model) };
  if (model.name === 'res.users') {
    // base res_users.py: `company_ids` default `self.env.company.ids`; `groups_id` default
    // `_default_groups()` in the order of the recordset it returns (default-user-groups.ts).
    if (name === 'company_ids') return { found: true, value: [[6, 0, ctx.access.companyId != null ? [ctx.access.companyId] : []]] };
    if (name === 'groups_id') return { found: true, value: [[6, 0, await defaultUserGroupsInOdooOrder(ctx)]] };
  }
  return { found: false };
}

/**
 * models.py `default_get`: each field's own default (defaultOf); an `_inherits` field without one
 * is asked of its parent model's `default_get`, whose answers come after the model's own.
 */
export async function defaultGet(ctx: CallContext, model: ModelInfo, names: readonly string[], extraContext: Readonly<Record<string, unknown>> = {}): Promise<Record<string, unknown>> {
  const override = DEFAULT_GET_OVERRIDES[model.name];
  if (override && ctx.registry.modules.has(override.module)) {
    return override.run(ctx, { ...ctx.context, ...extraContext }, names, (extra) => baseDefaultGet(ctx, model, names, { ...extraContext, ...extra }));
  }
  return baseDefaultGet(ctx, model, names, extraContext);
}

/** BaseModel.default_get, with the context keys an override adds (ir.cron's `default_state`). */
async function baseDefaultGet(ctx: CallContext, model: ModelInfo, names: readonly string[], extraContext: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const contextDefaults = { ...ctx.context, ...extraContext };
  if (model.name === 'res.users' && names.some(isReifiedGroupName)) {
    // UsersView.default_get: the reified group fields answered from the default groups_id, which stays in the answer.
    const reified = names.filter(isReifiedGroupName);
    const others = names.filter((name) => !isReifiedGroupName(name));
    const values = await defaultGet(ctx, model, others.includes('groups_id') ? others : [...others, 'groups_id']);
    const [row] = await readWithReifiedGroups(ctx, reified, async () => [{ groups_id: groupsFromCommands(values.groups_id) }]);
    for (const name of reified) values[name] = row![name];
    return values;
  }
  const result: Record<string, unknown> = {};
  const fromData = new Set<string>();
  let irDefaults: ReadonlyMap<string, unknown> | undefined;
  const parents = new Map<string, string[]>();
  for (const name of names) {
    // A context default is taken before the field is looked up: Odoo answers it even for a name the model lacks.
    if (`default_${name}` in contextDefaults) {
      result[name] = contextDefaults[`default_${name}`];
      fromData.add(name);
      continue;
    }
    const field = model.fields.get(name);
    if (!field) continue;
    const d = await defaultOf(ctx, model, name, (irDefaults ??= await modelIrDefaults(ctx, model)));
    if (d.found) {
      result[name] = d.value;
      if (d.origin === 'data') fromData.add(name);
    } else if (field.inheritedVia) {
      const parent = model.fields.get(field.inheritedVia)?.relation;
      if (parent) (parents.get(parent) ?? parents.set(parent, []).get(parent)!).push(name);
    }
  }
  // models.py: every value found is put in the field's write format (convert_to_cache, convert_to_write).
  let env: DescriptionEnv | undefined;
  for (const [name, value] of Object.entries(result)) {
    const field = model.fields.get(name);
    if (!field) continue;
    const digits = field.type === 'float' ? digitsOf((env ??= await descriptionEnv(ctx)), model, field) : undefined;
    result[name] = defaultInWriteFormat(field, value, digits, fromData.has(name) ? 'data' : 'record');
  }
  for (const [parent, fields] of parents) {
    const parentModel = ctx.registry.model(parent);
    // `self.env[model].default_get(names)`: the parent is asked in the same (overridden) context.
    if (parentModel) Object.assign(result, await defaultGet(ctx, parentModel, fields, extraContext));
  }
  return result;
}
