import { PYTHON_FIELD_FACTS } from './python-field-facts.generated.ts';
import type { FieldInfo, ModelInfo, Registry } from './types.ts';

/**
 * Field facts that live in Odoo's Python, not in `ir_model_fields`: literal defaults
 * (`default=0`, `default='no-message'`), defaults that only need the environment
 * (`default=lambda self: self.env.company`…), `tracking=` and the `_inherit` chains.
 * Extracted once from the installed modules' sources by scripts/extract-python-field-facts.py
 * into python-field-facts.generated.ts; this module answers per database, keeping only the
 * definitions of modules installed there (the last installed definer wins, as in the registry).
 */
export type { EnvDefaultKind, FieldFactEntry, PythonDefault, PythonFieldFacts } from './python-field-facts-types.ts';
import type { FieldFactEntry, PythonDefault } from './python-field-facts-types.ts';

interface ModelFacts {
  defaults: ReadonlyMap<string, PythonDefault>;
  /** Tracked fields in tracking order (sequence, then name as Odoo's sorted fields_get). */
  tracked: readonly FieldInfo[];
}

const cache = new WeakMap<Registry, Map<string, ModelFacts>>();

/** `model` and its `_inherit` ancestors (mixins), nearest first. */
function lineage(model: string): string[] {
  const out = [model];
  for (let i = 0; i < out.length; i++) for (const p of PYTHON_FIELD_FACTS.inherits[out[i]!] ?? []) if (!out.includes(p)) out.push(p);
  return out;
}

/** The field's definition as the installed modules leave it: the model's own, else a mixin's. */
function factOf(registry: Registry, model: string, field: string): FieldFactEntry | undefined {
  for (const owner of lineage(model)) {
    const history = PYTHON_FIELD_FACTS.fields[owner]?.[field];
    if (!history) continue;
    const installed = history.filter((e) => registry.modules.has(e.module));
    if (installed.length) return installed[installed.length - 1];
  }
  return undefined;
}

export function pythonFactsOf(registry: Registry, model: ModelInfo): ModelFacts {
  let byModel = cache.get(registry);
  if (!byModel) cache.set(registry, (byModel = new Map()));
  let facts = byModel.get(model.name);
  if (facts) return facts;
  const defaults = new Map<string, PythonDefault>();
  const tracked: Array<{ field: FieldInfo; sequence: number }> = [];
  for (const field of model.fields.values()) {
    const fact = factOf(registry, model.name, field.name);
    if (!fact) continue;
    // Delegated (_inherits) fields get their defaults when the parent record is created. A computed
    // field's default counts too: `_add_missing_default_values` puts it in the vals, and create()
    // protects the fields given in vals from their compute (odoo/models.py), so it is what is stored.
    if (fact.default && !field.inheritedVia && !field.related) defaults.set(field.name, fact.default);
    if (fact.tracking) tracked.push({ field, sequence: fact.tracking });
  }
  // A related field without a `tracking=` of its own takes its target's (fields.py
  // `_setup_related_full` copies the target's unknown attributes; ir_model_fields shows
  // res.company's email/phone/vat with res.partner's sequences).
  for (const field of model.fields.values()) {
    if (!field.related || tracked.some((t) => t.field === field)) continue;
    if (factOf(registry, model.name, field.name)?.tracking) continue;
    const sequence = relatedTargetTracking(registry, model, field.related);
    if (sequence) tracked.push({ field, sequence });
  }
  tracked.sort((a, b) => a.sequence - b.sequence || (a.field.name < b.field.name ? -1 : 1));
  facts = { defaults, tracked: tracked.map((t) => t.field) };
  byModel.set(model.name, facts);
  return facts;
}

/**
 * The `default=` of a computed field (`pythonFactsOf` leaves those out: create does not apply
 * them in Ficus), which `default_get` still answers (models.py: `if field.default`).
 */
export function computedFieldDefault(registry: Registry, model: ModelInfo, field: FieldInfo): PythonDefault | undefined {
  if (field.inheritedVia || field.related) return undefined;
  const fact = factOf(registry, model.name, field.name);
  return fact?.computed ? fact.default : undefined;
}

/**
 * The `default=` a model's own classes give a related or `_inherits` field they declare
 * (mail_mail.py `message_type = fields.Selection(related='mail_message_id.message_type',
 * inherited=True, default='email_outgoing')`): `default_get` answers it (models.py: `if
 * field.default`), create does not copy it from here.
 */
export function declaredRelatedDefault(registry: Registry, model: ModelInfo, field: FieldInfo): PythonDefault | undefined {
  if (!field.inheritedVia && !field.related) return undefined;
  return factOf(registry, model.name, field.name)?.default;
}

/** The installed mail.thread hooks (`_creation_subtype`, `_track_subtype`…) that `model`'s own Python overrides. */
export function overriddenMailHooks(registry: Registry, model: string): Set<string> {
  const out = new Set<string>();
  for (const [hook, modules] of Object.entries(PYTHON_FIELD_FACTS.mailHooks[model] ?? {})) if (modules.some((m) => registry.modules.has(m))) out.add(hook);
  return out;
}

/**
 * Whether an installed `write`/`unlink` override of `model` or of a mixin it inherits reads the
 * records (mail.thread's own write is left to the tracking rule: it reads only tracked fields).
 * Many write overrides read only for some values (`if 'rounding' in vals: for r in self: …`,
 * `if not vals: return True` before a loop): the facts say so as `write?<key>` (`write?*`: any
 * non-empty vals), and a write of `writtenKeys` reads when it holds one of those keys.
 */
export function readsRecordsOnWrite(registry: Registry, model: string, operation: 'write' | 'unlink', writtenKeys: readonly string[] = []): boolean {
  const installed = (modules: readonly string[] | undefined) => (modules ?? []).some((m) => registry.modules.has(m));
  return lineage(model).some((owner) => {
    if (owner === 'mail.thread') return false;
    const facts = PYTHON_FIELD_FACTS.readsRecords[owner];
    if (!facts) return false;
    if (installed(facts[operation])) return true;
    if (operation !== 'write') return false;
    if (writtenKeys.length && installed(facts['write?*'])) return true;
    return writtenKeys.some((key) => installed(facts[`write?${key}`]));
  });
}

/** Whether an installed module defines `model`'s `field` (or a mixin's) with an `inverse=` method. */
export function hasPythonInverse(registry: Registry, model: string, field: string): boolean {
  return lineage(model).some((owner) => (PYTHON_FIELD_FACTS.inverses[owner]?.[field] ?? []).some((m) => registry.modules.has(m)));
}

/**
 * Whether an installed `write`/`unlink` override always reads the records before its `super()`
 * call, so before BaseModel's access check (extracted as `writeBeforeSuper` / `unlinkBeforeSuper`).
 */
export function readsRecordsBeforeAccess(registry: Registry, model: string, operation: 'write' | 'unlink'): boolean {
  return lineage(model).some((owner) => (PYTHON_FIELD_FACTS.readsRecords[owner]?.[`${operation}BeforeSuper`] ?? []).some((m) => registry.modules.has(m)));
}

/** The mail.thread switches an installed `create` override of `model` sets for its `super().create` (crm.team: mail_create_nosubscribe). */
export function createContextFlags(registry: Registry, model: string): Set<string> {
  const out = new Set<string>();
  for (const [flag, modules] of Object.entries(PYTHON_FIELD_FACTS.createContext[model] ?? {})) if (modules.some((m) => registry.modules.has(m))) out.add(flag);
  return out;
}

/**
 * The field names the installed `@api.onchange` methods of `model` and its mixins watch
 * (models.py `_onchange_methods`); `*` stands for a method whose names are not literal.
 */
export function onchangeWatchedFields(registry: Registry, model: string): Set<string> {
  const out = new Set<string>();
  for (const owner of lineage(model)) {
    for (const [field, modules] of Object.entries(PYTHON_FIELD_FACTS.onchange[owner] ?? {})) if (modules.some((m) => registry.modules.has(m))) out.add(field);
  }
  return out;
}

/**
 * `field.get_domain_list(records)` of an x2many (fields.py `_RelationalMulti` / `One2many`), as
 * domains to AND: its Python domain (a string one is the web client's: none), and
 * `(model_field, '=', model)` when the inverse is a Many2oneReference (message_ids,
 * activity_ids, attachment_ids… whose res_id names records of many models). Undefined when the
 * domain is computed by code Ficus does not evaluate.
 */
export function x2manyDomains(registry: Registry, model: ModelInfo, field: FieldInfo): unknown[][] | undefined {
  const fact = factOf(registry, model.name, field.name);
  const domains: unknown[][] = [];
  if (fact?.domain) {
    if (!Array.isArray(fact.domain)) return undefined;
    domains.push(substituteModel(fact.domain, model.name) as unknown[]);
  }
  if (field.type === 'one2many' && field.relation && field.relationField) {
    const comodel = registry.model(field.relation);
    const inverse = comodel?.fields.get(field.relationField);
    if (comodel && inverse?.type === 'many2one_reference') {
      const modelField = referenceModelField(registry, comodel, inverse);
      if (!modelField) return undefined;
      domains.push([[modelField, '=', model.name]]);
    }
  }
  return domains;
}

/** The `model_field` of a Many2oneReference (inherited ones through `_inherits`: mail.mail's res_id is mail.message's). */
export function referenceModelField(registry: Registry, model: ModelInfo, field: FieldInfo): string | undefined {
  if (field.inheritedVia) {
    const parent = registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
    const target = parent?.fields.get(field.name);
    return parent && target ? referenceModelField(registry, parent, target) : undefined;
  }
  return factOf(registry, model.name, field.name)?.modelField;
}

function substituteModel(value: unknown, model: string): unknown {
  if (Array.isArray(value)) return value.map((v) => substituteModel(v, model));
  if (value && typeof value === 'object' && (value as { $model?: unknown }).$model === true) return model;
  return value;
}

/** A Float field's Python `digits=` as the installed modules leave it (fields_get's `digits`). */
export function pythonDigitsOf(registry: Registry, model: string, field: string): FieldFactEntry['digits'] {
  return factOf(registry, model, field)?.digits;
}

/** The `tracking` the field a related path ends on declares, if any. */
function relatedTargetTracking(registry: Registry, model: ModelInfo, related: string): number | undefined {
  const names = related.split('.');
  let current: ModelInfo | undefined = model;
  for (const name of names.slice(0, -1)) {
    const hop: FieldInfo | undefined = current?.fields.get(name);
    current = hop?.relation ? registry.model(hop.relation) : undefined;
    if (!current) return undefined;
  }
  const last = names[names.length - 1]!;
  const target = current!.fields.get(last);
  if (!target) return undefined;
  // Only the target's own `tracking=` (its `_extra_keys`, the parameters its definition declares): an
  // inherited or related target got its tracking copied, not declared (crm.team.member's email,
  // related to res.users' inherited email, is not tracked).
  return factOf(registry, current!.name, last)?.tracking;
}
