import { readAddonTableDeclarations } from './addon-sources.ts';
import { readLegacyCatalog } from './legacy-catalog.ts';
import { loadServiceRoster, type ServiceRoster } from '../../services/catalog.ts';
import { findModuleDefinition, moduleDefinitions, type ModuleDefinition, type ServiceName } from './module-map.ts';
import { resolveModelOwnership } from './model-ownership.ts';
import type { Queryable } from './queryable.ts';
import { collectCrossModuleReferences } from './references.ts';
import { resolveModelTables } from './table-resolution.ts';
import {
  UnknownModuleError,
  type ModelExtension,
  type ModuleRegistry,
  type RegisteredModule,
  type RelationTable,
} from './types.ts';

export interface LoadRegistryOptions {
  /** Folder of the Odoo addons; `_table` declarations found there are a fallback and a cross-check. */
  addonsPath?: string;
  /** The services and the modules they take over; defaults to services/catalog.ts. */
  services?: ServiceRoster;
  /** Defaults to the platform modules the legacy database names (see module-map.ts); a test or another Odoo database can pass its own. */
  moduleMap?: readonly ModuleDefinition[];
}

/**
 * Builds the module registry from a legacy Odoo database: which models each module creates
 * (and so which tables it owns), which models it only extends, its many2many tables, and the
 * links between modules. The migration control plane and `ficus reconcile` both start here.
 */
export async function loadModuleRegistry(db: Queryable, options: LoadRegistryOptions = {}): Promise<ModuleRegistry> {
  const catalog = await readLegacyCatalog(db);
  const moduleMap = options.moduleMap ?? moduleDefinitions(catalog, options.services ?? (await loadServiceRoster()));
  const ownership = resolveModelOwnership(catalog);
  const addonTables = options.addonsPath ? await readAddonTableDeclarations(options.addonsPath) : new Map<string, string>();
  const tables = resolveModelTables(catalog, ownership.keys(), addonTables);
  const references = await collectCrossModuleReferences(db, catalog, ownership, tables);

  const modules: RegisteredModule[] = moduleMap.map((definition) => {
    const name = definition.technicalName;
    const models = [...ownership.values()]
      .filter((o) => o.creator === name)
      .map((o) => {
        const resolved = tables.get(o.model)!;
        return { model: o.model, table: resolved.table, tableSource: resolved.source, ...(resolved.note ? { note: resolved.note } : {}) };
      })
      .sort((a, b) => a.model.localeCompare(b.model));

    const extensions: ModelExtension[] = [...ownership.values()]
      .filter((o) => o.extenders.includes(name))
      .map((o) => {
        const table = tables.get(o.model)?.table ?? null;
        const added = catalog.fields.filter((f) => f.model === o.model && f.modules.includes(name));
        const columns = table ? added.filter((f) => catalog.tables.get(table)?.has(f.name)).map((f) => f.name) : [];
        return { model: o.model, table, ownerModule: o.creator, fields: added.map((f) => f.name).sort(), columns: columns.sort() };
      })
      .sort((a, b) => a.model.localeCompare(b.model));

    const relationTables: RelationTable[] = catalog.relations
      .filter((r) => r.module === name)
      .map((r) => {
        const field = catalog.fields.find((f) => f.relationTable === r.table && f.model === r.model);
        return { table: r.table, model: r.model, field: field?.name ?? null, column1: field?.column1 ?? null, column2: field?.column2 ?? null };
      })
      .sort((a, b) => a.table.localeCompare(b.table));

    const ownedTables = [
      ...models.flatMap((m) => (m.table ? [m.table] : [])),
      ...relationTables.map((r) => r.table),
    ];
    return {
      code: definition.code,
      technicalName: name,
      title: definition.title,
      service: definition.service,
      installed: catalog.modules.get(name)?.state === 'installed',
      models,
      extensions,
      relationTables,
      tables: [...new Set(ownedTables)].sort(),
      referencesOut: references.filter((r) => r.fromModule === name),
      referencesIn: references.filter((r) => r.toModule === name),
    };
  });
  return createRegistry(modules, moduleMap);
}

function createRegistry(modules: RegisteredModule[], moduleMap: readonly ModuleDefinition[]): ModuleRegistry {
  const byTable = new Map(modules.flatMap((m) => m.tables.map((t) => [t, m] as const)));
  const byModel = new Map(modules.flatMap((m) => m.models.map((model) => [model.model, m] as const)));
  return {
    modules,
    get(nameOrCode) {
      const definition = findModuleDefinition(moduleMap, nameOrCode);
      const found = definition && modules.find((m) => m.code === definition.code);
      if (!found) throw new UnknownModuleError(nameOrCode, modules.map((m) => `${m.code} (${m.technicalName})`));
      return found;
    },
    moduleOfTable: (table) => byTable.get(table),
    moduleOfModel: (model) => byModel.get(model),
    modulesOfService: (service: ServiceName) => modules.filter((m) => m.service === service),
  };
}
