import type { OdooCall } from '../../../odoo-bridge/call.ts';
import { COMPUTED_AS_RELATED } from '../../../odoo-bridge/orm/read/computed-as-related.ts';
import { computedField } from '../../../odoo-bridge/orm/read/computed-fields.ts';
import type { FieldInfo, ModelInfo, Registry } from '../../../odoo-bridge/orm/registry/types.ts';

/**
 * The positional parameters of the read methods whose SQL depends on what they are given (Odoo 18
 * signatures, as odoo-bridge/orm/methods binds them); `records` methods take the ids first.
 * Methods that read no records (fields_get, get_views, check_access_rights…) are not here and
 * read nothing; any other read method is taken to read every field of its model.
 */
const SIGNATURES: Record<string, { records: boolean; params: readonly string[] }> = {
  read: { records: true, params: ['fields', 'load'] },
  fetch: { records: true, params: ['field_names'] },
  web_read: { records: true, params: ['specification'] },
  search: { records: false, params: ['domain', 'offset', 'limit', 'order'] },
  search_count: { records: false, params: ['domain', 'limit'] },
  search_fetch: { records: false, params: ['domain', 'field_names', 'offset', 'limit', 'order'] },
  search_read: { records: false, params: ['domain', 'fields', 'offset', 'limit', 'order'] },
  web_search_read: { records: false, params: ['domain', 'specification', 'offset', 'limit', 'order', 'count_limit'] },
  read_group: { records: false, params: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'] },
  web_read_group: { records: false, params: ['domain', 'fields', 'groupby', 'limit', 'offset', 'orderby', 'lazy'] },
  name_search: { records: false, params: ['name', 'args', 'operator', 'limit'] },
};

/** Read methods that touch no record of the model (metadata, access checks, views, defaults). */
const READS_NO_RECORDS = new Set([
  'fields_get', 'check_access_rights', 'has_access', 'check_field_access_rights', 'get_views', 'load_views',
  'fields_view_get', 'get_formview_id', 'default_get',
]);

/**
 * Every table the legacy engine's SQL may read to answer `call`, decided from the call alone
 * (model, fields, domain, order, group-bys) and the registry, before any I/O: the model's table
 * and its `_inherits` parents'; for each field read, the tables behind it (a relational field's
 * comodel — a many2one is answered with its display name —, a many2many's relation table, a
 * related field's path, a computed field's declared `readsTables`); for each domain leaf, the
 * tables along its path (and `any` sub-domains). Over-approximating is safe (a read may wait for
 * nothing); missing a table is not, so an unknown read method counts as reading every field.
 * Record rules are left out: they are Odoo's own (res.users, res.partner…) or a module's own
 * models', which are answered where that module lives.
 */
export function tablesReadBy(registry: Registry, call: Pick<OdooCall, 'model' | 'method' | 'args' | 'kwargs'>): Set<string> {
  const reach = new TableReach(registry);
  const model = registry.model(call.model);
  if (!model || READS_NO_RECORDS.has(call.method)) return reach.tables;
  reach.model(model);
  const signature = SIGNATURES[call.method];
  if (!signature) {
    reach.allFields(model);
    return reach.tables;
  }
  const positional = signature.records ? call.args.slice(1) : call.args;
  const bound = (name: string): unknown => (name in call.kwargs ? call.kwargs[name] : positional[signature.params.indexOf(name)]);
  // Odoo's older spellings: search(args=…), name_search(domain=…).
  reach.domain(model, bound('domain') ?? call.kwargs.args ?? bound('args') ?? call.kwargs.domain);
  for (const key of ['order', 'orderby']) reach.order(model, bound(key));
  switch (call.method) {
    case 'search':
    case 'search_count':
      break;
    case 'name_search':
      for (const name of model.recNamesSearch.length ? model.recNamesSearch : model.recName ? [model.recName] : []) reach.path(model, name);
      break;
    case 'web_read':
    case 'web_search_read':
      reach.specification(model, bound('specification'));
      break;
    case 'read_group':
    case 'web_read_group':
      reach.groupSpecs(model, bound('fields'));
      reach.groupSpecs(model, bound('groupby'));
      break;
    default:
      reach.fieldList(model, bound('fields') ?? bound('field_names'));
  }
  return reach.tables;
}

class TableReach {
  readonly tables = new Set<string>();
  readonly #modelsWithAllFields = new Set<string>();

  constructor(private readonly registry: Registry) {}

  model(model: ModelInfo): void {
    if (model.table) this.tables.add(model.table);
    for (const parent of model.inherits.keys()) {
      const info = this.registry.model(parent);
      if (info && !this.tables.has(info.table ?? '')) this.model(info);
    }
  }

  /** `read(fields)`: a list of names, or every field when none is given. */
  fieldList(model: ModelInfo, fields: unknown): void {
    const names = Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
    if (!names.length) return this.allFields(model);
    for (const name of names) this.field(model, name, 0);
  }

  allFields(model: ModelInfo): void {
    if (this.#modelsWithAllFields.has(model.name)) return;
    this.#modelsWithAllFields.add(model.name);
    for (const name of model.fields.keys()) this.field(model, name, 0);
  }

  /** web_read's `{field: {fields: {...}}}`: each level read on its comodel. */
  specification(model: ModelInfo, spec: unknown, depth = 0): void {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec) || depth > 8) return;
    for (const [name, sub] of Object.entries(spec as Record<string, unknown>)) {
      const field = this.field(model, name, 0);
      const comodel = field?.relation ? this.registry.model(field.relation) : undefined;
      if (comodel && sub && typeof sub === 'object') {
        this.model(comodel);
        this.specification(comodel, (sub as { fields?: unknown }).fields, depth + 1);
      }
    }
  }

  /** read_group's `name`, `name:agg`, `alias:agg(name)`, `name:month`, `partner_id.name`. */
  groupSpecs(model: ModelInfo, specs: unknown): void {
    const list = typeof specs === 'string' ? [specs] : Array.isArray(specs) ? specs : [];
    for (const spec of list) {
      if (typeof spec !== 'string') continue;
      const inner = /\(([\w.]+)\)/.exec(spec)?.[1];
      this.path(model, inner ?? spec.split(':')[0]!.trim());
    }
  }

  /** `name desc, partner_id`: ordering by a many2one orders by its comodel's `_order`. */
  order(model: ModelInfo, order: unknown): void {
    if (typeof order !== 'string') return;
    for (const part of order.split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name) this.path(model, name);
    }
  }

  /** A domain in Odoo's prefix form: leaves' paths, `any`/`not any` sub-domains on the comodel. */
  domain(model: ModelInfo, domain: unknown, depth = 0): void {
    if (!Array.isArray(domain) || depth > 8) return;
    for (const item of domain) {
      if (!Array.isArray(item) || item.length !== 3 || typeof item[0] !== 'string') continue;
      const [path, operator, value] = item as [string, unknown, unknown];
      const last = this.path(model, path);
      if ((operator === 'any' || operator === 'not any') && last?.relation) {
        const comodel = this.registry.model(last.relation);
        if (comodel) this.domain(comodel, value, depth + 1);
      }
    }
  }

  /** A dotted path from `model`: every hop's tables; the last field reached. */
  path(model: ModelInfo, path: string): FieldInfo | undefined {
    let current: ModelInfo | undefined = model;
    let field: FieldInfo | undefined;
    for (const name of path.split('.')) {
      if (!current) return field;
      field = this.field(current, name, 0);
      current = field?.relation ? this.registry.model(field.relation) : undefined;
      if (current) this.model(current);
    }
    return field;
  }

  /** One field of `model`: the tables reading it needs; the field itself (on its `_inherits` parent when delegated). */
  field(model: ModelInfo, name: string, depth: number): FieldInfo | undefined {
    if (depth > 8) return undefined;
    const field = model.fields.get(name);
    if (!field) return undefined;
    if (field.inheritedVia) {
      const parent = [...model.inherits.entries()].find(([, via]) => via === field.inheritedVia)?.[0];
      const parentModel = parent ? this.registry.model(parent) : undefined;
      if (parentModel && parentModel !== model) {
        this.model(parentModel);
        return this.field(parentModel, name, depth + 1) ?? field;
      }
    }
    const computed = computedField(model, name);
    if (computed) {
      for (const table of computed.readsTables ?? []) this.tables.add(table);
      for (const dependency of computed.dependsOn) if (dependency !== name) this.field(model, dependency, depth + 1);
    }
    const relatedPath = COMPUTED_AS_RELATED[`${model.name}.${name}`] ?? (!field.store ? field.related : null);
    if (relatedPath) this.#relatedPath(model, relatedPath, depth + 1);
    if (field.relation) {
      const comodel = this.registry.model(field.relation);
      if (comodel) this.model(comodel);
    }
    if (field.type === 'many2many' && field.relationTable) this.tables.add(field.relationTable);
    return field;
  }

  /** A related field's path: every hop read (a hop's many2one reaches its comodel's table). */
  #relatedPath(model: ModelInfo, path: string, depth: number): void {
    let current: ModelInfo | undefined = model;
    for (const name of path.split('.')) {
      if (!current) return;
      const field = this.field(current, name, depth);
      current = field?.relation ? this.registry.model(field.relation) : undefined;
    }
  }
}
