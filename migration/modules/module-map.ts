import type { ServiceRoster } from '../../services/catalog.ts';
import { SERVICE_NAMES, type ServiceName } from '../../services/kit/index.ts';
import type { LegacyCatalog } from './legacy-catalog.ts';

export const SERVICES = SERVICE_NAMES;
export type { ServiceName };

/**
 * Which Odoo addon is which platform module, and which service takes it over. Nothing here is
 * kept by hand: the code and title come from the legacy database (each hp addon's manifest
 * summary starts with its code, `M04 - …`), the service from the service catalogue
 * (services/catalog.ts: a built service's definition, or the modules a planned one will take).
 */
export interface ModuleDefinition {
  /** Platform module code, `M01` … `M20`. */
  code: string;
  /** Odoo addon technical name (`ir_module_module.name`). */
  technicalName: string;
  title: string;
  service: ServiceName;
}

/** The platform modules of this legacy database, each with the service the catalogue gives it; by code. */
export function moduleDefinitions(catalog: LegacyCatalog, roster: ServiceRoster): ModuleDefinition[] {
  const seen = new Map<string, string>();
  return catalog.platformModules.map(({ code, technicalName, title }) => {
    const twice = seen.get(code);
    if (twice) throw new Error(`the legacy database has two addons for ${code}: ${twice} and ${technicalName}`);
    seen.set(code, technicalName);
    const service = roster.serviceOfModule(code);
    if (!service) throw new Error(`${code} (${technicalName}) is taken over by no service: give it to one in services/catalog.ts`);
    return { code, technicalName, title, service: service.name };
  });
}

/** `M4`, `m04`, `M04` or `hp_marketplace` → the module's definition; undefined when unknown. */
export function findModuleDefinition(definitions: readonly ModuleDefinition[], nameOrCode: string): ModuleDefinition | undefined {
  const text = nameOrCode.trim();
  const code = /^m0*(\d{1,2})$/i.exec(text);
  if (code) {
    const wanted = `M${code[1]!.padStart(2, '0')}`;
    return definitions.find((m) => m.code === wanted);
  }
  return definitions.find((m) => m.technicalName === text);
}
