/** The module registry: M01–M20 → service, models, tables and cross-module references, read from the legacy database. */
export { loadModuleRegistry, type LoadRegistryOptions } from './registry.ts';
export { SERVICES, findModuleDefinition, moduleDefinitions, type ModuleDefinition, type ServiceName } from './module-map.ts';
export { servedModelMismatches } from './served-models.ts';
export type { TableSource } from './table-resolution.ts';
export type { Queryable } from './queryable.ts';
export {
  UnknownModuleError,
  type ModelExtension,
  type ModelReference,
  type ModuleRegistry,
  type OwnedModel,
  type ReferenceKind,
  type RegisteredModule,
  type RelationTable,
} from './types.ts';
