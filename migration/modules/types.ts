import type { ServiceName } from './module-map.ts';
import type { TableSource } from './table-resolution.ts';

export interface OwnedModel {
  model: string;
  /** SQL table; null for a model without one (abstract). */
  table: string | null;
  tableSource: TableSource | null;
  note?: string;
}

/** A model created by another module to which this module adds stored fields (e.g. `res.users` + `hp_level`). */
export interface ModelExtension {
  model: string;
  table: string | null;
  /** Technical name of the module that created the model (`base` for `res.users`). */
  ownerModule: string;
  /** Fields this module adds, and the ones of them that are columns of `table`. */
  fields: string[];
  columns: string[];
}

export interface RelationTable {
  table: string;
  /** The model whose many2many field created it. */
  model: string;
  field: string | null;
  column1: string | null;
  column2: string | null;
}

export type ReferenceKind = 'many2one' | 'many2many' | 'polymorphic';

/** A link from a field of one model to another model, across a module boundary. */
export interface ModelReference {
  kind: ReferenceKind;
  fromModule: string;
  fromModel: string;
  fromTable: string | null;
  /** The field; for a polymorphic pair, `source_model/source_id`. */
  field: string;
  toModel: string;
  toModule: string;
  toTable: string | null;
}

export interface RegisteredModule {
  code: string;
  technicalName: string;
  title: string;
  service: ServiceName;
  installed: boolean;
  models: OwnedModel[];
  extensions: ModelExtension[];
  relationTables: RelationTable[];
  /** Tables the module owns: its models' tables and its many2many tables, sorted. */
  tables: string[];
  referencesOut: ModelReference[];
  referencesIn: ModelReference[];
}

export interface ModuleRegistry {
  readonly modules: readonly RegisteredModule[];
  /** `M04`, `m4`, or `hp_marketplace`; throws UnknownModuleError otherwise. */
  get(nameOrCode: string): RegisteredModule;
  moduleOfTable(table: string): RegisteredModule | undefined;
  moduleOfModel(model: string): RegisteredModule | undefined;
  modulesOfService(service: ServiceName): RegisteredModule[];
}

export class UnknownModuleError extends Error {
  constructor(readonly requested: string, known: string[]) {
    super(`unknown module '${requested}' (known: ${known.join(', ')})`);
    this.name = 'UnknownModuleError';
  }
}
