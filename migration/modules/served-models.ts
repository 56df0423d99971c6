import type { ServiceDefinition } from '../../services/kit/index.ts';
import type { ModuleRegistry } from './types.ts';

/**
 * Where a service's declared Odoo face disagrees with the legacy database: every table-backed
 * model a module creates (ir_model_data) must be served by its service under the same table,
 * and the service may serve no model the module does not create. A model left out would stay
 * routed to Odoo after cutover while its table changed owner; an extra one would be routed to
 * a module that does not own it. Empty when they agree.
 */
export function servedModelMismatches(registry: ModuleRegistry, definitions: readonly ServiceDefinition<any>[]): string[] {
  const problems: string[] = [];
  for (const definition of definitions) {
    if (!definition.odoo) continue;
    for (const code of definition.modules) {
      const module = registry.modules.find((m) => m.code === code);
      if (!module) {
        problems.push(`service ${definition.name} takes over ${code}, which the legacy database does not have`);
        continue;
      }
      if (module.service !== definition.name) problems.push(`service ${definition.name} takes over ${code}, which the registry gives to ${module.service}`);
      const declared = new Map(definition.odoo.models.filter((m) => m.module === code).map((m) => [m.model, m.table]));
      for (const { model, table } of module.models) {
        if (!table) continue;
        const served = declared.get(model);
        if (served === undefined) problems.push(`${code} (${module.technicalName}) creates ${model} (table ${table}), which service ${definition.name} does not serve`);
        else if (served !== table) problems.push(`service ${definition.name} serves ${model} from table ${served}, but the legacy database keeps it in ${table}`);
        declared.delete(model);
      }
      for (const model of declared.keys()) problems.push(`service ${definition.name} serves ${model} as part of ${code}, but ${code} (${module.technicalName}) does not create it`);
    }
  }
  return problems;
}
