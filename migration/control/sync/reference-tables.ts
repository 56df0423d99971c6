import pg from 'pg';
import { loadModulePlans, modulePlans, type ModulePlan } from '../module-plan.ts';

/**
 * Legacy tables a service database keeps a read-only copy of, so that the ORM engine can serve
 * the service's Odoo models from the service database alone: the model registry (ir_model*),
 * access rights and record rules (ir_model_access, ir_rule, groups), and the users and partners
 * that many2one values display. They stay owned by the legacy side (or by the auth/user
 * services later) and are only ever synced forward. The list is what the engine reads for
 * search/read/read_group/create/write/unlink and business methods (measured by logging its SQL).
 * Every service needs these; serviceReferenceTables adds what its own models point at.
 * decimal_precision: fields_get reads the named precisions of float fields' digits
 * (odoo-bridge/orm/methods/field-description.ts), for every model.
 */
export const ENGINE_REFERENCE_TABLES = [
  'decimal_precision', 'ir_default', 'ir_model', 'ir_model_access', 'ir_model_constraint', 'ir_model_data', 'ir_model_fields',
  'ir_model_fields_selection', 'ir_module_category', 'ir_module_module', 'ir_rule', 'res_company',
  'res_company_users_rel', 'res_groups', 'res_groups_implied_rel', 'res_groups_users_rel', 'res_lang',
  'res_currency', 'res_partner', 'res_users', 'rule_group_rel',
] as const;

/**
 * Tables the engine reads to name a record of these models besides the model's own table
 * (odoo-bridge/orm/read/display-name.ts: product variants are named from their template and
 * attribute values, states with their country's code). A many2one to such a model needs them
 * too, or its value reads `[id, false]`.
 */
const DISPLAY_NAME_TABLES: Readonly<Record<string, readonly string[]>> = {
  'product.product': ['product_template', 'product_template_attribute_value', 'product_attribute_value', 'product_variant_combination', 'product_attribute', 'product_attribute_value_product_template_attribute_line_rel'],
  'res.country.state': ['res_country'],
};

/**
 * The legacy tables `service`'s database keeps a read-only copy of: the engine's own
 * (ENGINE_REFERENCE_TABLES), and the tables of every model outside the service that one of the
 * service's models points at by a stored many2one or many2many (the comodel's table, and a
 * many2many's relation table when another module created it), so that those values read
 * `[id, display_name]` and order and group as in Odoo. Tables of the service's own modules are
 * never on it: their forward syncs write them, and a table has one writer. Polymorphic links
 * (`res_model`/`res_id`) are not relations for the engine and add nothing.
 *
 * One list per service, whichever of its modules asks: its modules share one reference slot
 * (module-plan.ts referenceSlot), whose publication is exactly this list. Sorted.
 */
export function serviceReferenceTables(plans: ReadonlyMap<string, ModulePlan>, service: string): string[] {
  const all = [...plans.values()];
  const own = all.filter((p) => p.service === service);
  const owned = new Set(own.flatMap((p) => p.tables));
  const relationTableOf = (model: string, field: string) =>
    all.flatMap((p) => p.module.relationTables).find((r) => r.model === model && r.field === field)?.table ?? null;

  const wanted = new Set<string>(ENGINE_REFERENCE_TABLES);
  for (const plan of own) {
    for (const reference of plan.module.referencesOut) {
      if (reference.kind === 'polymorphic') continue;
      if (reference.toTable) wanted.add(reference.toTable);
      for (const table of DISPLAY_NAME_TABLES[reference.toModel] ?? []) wanted.add(table);
      if (reference.kind === 'many2many') {
        const relation = relationTableOf(reference.fromModel, reference.field);
        if (relation) wanted.add(relation);
      }
    }
  }
  return [...wanted].filter((t) => !owned.has(t)).sort();
}

/** serviceReferenceTables from the module plans of a legacy database (cached per pool, module-plan.ts). */
export async function serviceReferenceTablesIn(legacy: pg.Pool, service: string): Promise<string[]> {
  return serviceReferenceTables(await modulePlans(legacy), service);
}

const plansByUrl = new Map<string, Promise<Map<string, ModulePlan>>>();

/**
 * The module plans of the legacy database at `legacyUrl`, for a caller without a pool on it (a
 * module sync): read once per database and process, as modulePlans does per pool, so a service's
 * modules starting one after the other pay for one registry read.
 */
export function modulePlansAt(legacyUrl: string): Promise<Map<string, ModulePlan>> {
  let plans = plansByUrl.get(legacyUrl);
  if (!plans) {
    plans = (async () => {
      const pool = new pg.Pool({ connectionString: legacyUrl, max: 2 });
      try {
        return await loadModulePlans(pool);
      } finally {
        await pool.end();
      }
    })();
    plansByUrl.set(legacyUrl, plans);
    plans.catch(() => plansByUrl.delete(legacyUrl));
  }
  return plans;
}

/** serviceReferenceTables read from the legacy database at `legacyUrl` (modulePlansAt). */
export async function serviceReferenceTablesAt(legacyUrl: string, service: string): Promise<string[]> {
  return serviceReferenceTables(await modulePlansAt(legacyUrl), service);
}
