import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import type { MethodTable } from './method.ts';

/**
 * The web client's model selector on ir.model (addons/web/models/ir_model.py): which models the
 * caller may pick, with their translated names. odooly calls `get_available_models()` right after
 * logging in (Odoo 16+) to learn the model names it may address, for any user.
 */

function onIrModelOnly(model: ModelInfo, method: string): void {
  if (model.name !== 'ir.model') throw new OdooError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model.name}'`);
}

/** `env.user._is_internal()`: not a share (portal or public) user. */
async function callerIsInternal(ctx: CallContext): Promise<boolean> {
  const rows = await run<{ share: boolean | null }>(ctx.db, sql`SELECT share FROM res_users WHERE id = ${ctx.uid}`);
  return rows[0]?.share !== true;
}

/**
 * `_is_valid_for_model_selector`: an internal caller, a model of the registry with read access
 * (ACLs only: `has_access` on an empty recordset checks no record rule), neither transient nor
 * abstract (an abstract model has no table).
 */
function selectable(ctx: CallContext, internal: boolean, name: string): boolean {
  const model = ctx.registry.model(name);
  return internal && model !== undefined && model.table !== null && !model.transient && ctx.access.hasModel(model, 'read');
}

/** `_display_name_for`: ir.model's name (translated in the caller's language) for each model found, in ir.model's order (`model`), read as sudo. */
async function displayNamesFor(ctx: CallContext, models: readonly string[]): Promise<{ display_name: string; model: string }[]> {
  if (!models.length) return [];
  const rows = await run<{ model: string; name: string | null }>(
    ctx.db,
    sql`SELECT model, COALESCE(name->>${ctx.lang}, name->>'en_US') AS name FROM ir_model WHERE model = ANY(${[...models]}::varchar[]) ORDER BY model`,
  );
  return rows.map((row) => ({ display_name: row.name ?? '', model: row.model }));
}

export const MODEL_SELECTOR_METHODS: MethodTable = {
  get_available_models: {
    api: 'model',
    signature: { qualname: 'IrModel.get_available_models', params: [] },
    async run(ctx, model) {
      onIrModelOnly(model, 'get_available_models');
      const internal = await callerIsInternal(ctx);
      return displayNamesFor(ctx, [...ctx.registry.models.keys()].filter((name) => selectable(ctx, internal, name)));
    },
  },
  display_name_for: {
    api: 'model',
    signature: { qualname: 'IrModel.display_name_for', params: [{ name: 'models' }] },
    async run(ctx, model, a) {
      onIrModelOnly(model, 'display_name_for');
      if (!Array.isArray(a.models)) throw new OdooError('builtins.TypeError', `'${a.models === null || a.models === undefined ? 'NoneType' : typeof a.models === 'number' ? 'int' : typeof a.models}' object is not iterable`);
      const internal = await callerIsInternal(ctx);
      const asked = a.models.map((m: unknown) => String(m));
      const accessible = asked.filter((name) => selectable(ctx, internal, name));
      const refused = asked.filter((name) => !selectable(ctx, internal, name)).map((name) => ({ display_name: name, model: name }));
      return [...(await displayNamesFor(ctx, accessible)), ...refused];
    },
  },
};
