import { PYTHON_DEPENDS_FACTS } from './python-field-facts-depends.generated.ts';
import { pythonDescriptionOf } from './python-field-description.ts';
import type { ClassDependsFacts, FieldDependsFacts, ListExpr, MethodDepends } from './python-field-facts-types.ts';
import type { FieldInfo, ModelInfo, Registry } from './types.ts';

/**
 * A field's dependencies as Odoo 18's fields_get answers them (`registry.field_depends[field]`,
 * filled by fields.py `Field.get_depends`), for every model, from the installed modules' Python
 * (scripts/extract-python-field-facts.py → python-field-facts-depends.generated.ts):
 *
 * - an explicit `depends=` wins (fields.Properties: its definition record);
 * - a related field depends on its path (`_inherits` fields on `<parent field>.<name>`);
 * - a computed field on the `@api.depends` of every definition of its compute method along the
 *   model's MRO (most derived first, as `resolve_mro`), concatenated without removing repeats;
 *   an undecorated override adds nothing (api.Meta propagates only `_returns`);
 * - a plain x2many on the fields of its literal domain (`_RelationalMulti.get_depends`);
 * - anything else on nothing. `depends_context` is not part of the answer.
 *
 * `ir_model_fields.depends` is only filled for manual fields; when it is, it is the answer.
 * Undefined when a compute's dependencies are a callable Ficus does not evaluate (one calling a
 * method, such as res.partner's `_display_address_depends`); a lambda listing class attributes
 * (`[self._avatar_name_field, 'image_128']`) is read with the model's values of those attributes.
 */
export function fieldDepends(registry: Registry, model: ModelInfo, field: FieldInfo): readonly string[] | undefined {
  if (field.depends.length) return field.depends;
  // fields.Properties `setup_related`: an inherited Properties field takes its target's `definition`
  // and so depends on the definition record (`_setup_definition_attrs`), not on its related path.
  if (field.type === 'properties' && field.inheritedVia) {
    const parent = registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
    const definition = parent ? pythonDescriptionOf(registry, parent.name, field.name)?.params.definition : undefined;
    if (typeof definition === 'string' && definition.includes('.')) return [definition.split('.')[0]!];
  }
  const classes = classesInMro(registry, model.name);
  const facts = mergedFieldFacts(classes, field.name);
  if (facts.depends) return Array.isArray(facts.depends) ? facts.depends : undefined;
  const computed = facts.compute !== undefined || facts.computeDepends !== undefined;
  const related = facts.related ?? (computed ? null : field.related);
  if (related) return [related];
  if (facts.computeDepends) return resolved(facts.computeDepends, model, classes);
  if (facts.compute) {
    const out: string[] = [];
    const definitions = [...classes.map((c) => c.methods?.[facts.compute!]), PYTHON_DEPENDS_FACTS.baseModel[facts.compute]];
    for (const depends of definitions) {
      if (!depends) continue;
      const paths = resolved(depends, model, classes);
      if (!paths) return undefined;
      out.push(...paths);
    }
    return out;
  }
  if ((field.type === 'one2many' || field.type === 'many2many') && facts.domainFields?.length) {
    return [...new Set(facts.domainFields.map((f) => `${field.name}.${f}`))];
  }
  return [];
}

/** Whether the field's value comes from Python code (`compute=`, `related=`, a manual compute) rather than from what was written. */
export function isPythonComputed(registry: Registry, model: ModelInfo, field: FieldInfo): boolean {
  if (field.computed || field.related) return true;
  const facts = mergedFieldFacts(classesInMro(registry, model.name), field.name);
  return facts.compute !== undefined || facts.computeDepends !== undefined || facts.related !== undefined;
}

/** A method's dependencies on `model`: the callables known here are evaluated (class attributes along its MRO). */
function resolved(depends: MethodDepends, model: ModelInfo, classes: readonly ClassDependsFacts[]): string[] | undefined {
  if (Array.isArray(depends)) return depends;
  if ('recName' in depends) return model.recName ? [model.recName] : [];
  if ('paths' in depends) {
    const out: string[] = [];
    for (const p of depends.paths) {
      const value = typeof p === 'string' ? p : classes.find((c) => c.attrs?.[p.attr] !== undefined)?.attrs?.[p.attr];
      if (value === undefined) return undefined;
      out.push(value);
    }
    return out;
  }
  if ('expr' in depends) {
    try {
      const value = evaluateList(depends.expr, model, classes, 0);
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
    } catch (error) {
      if (error instanceof Opaque) return undefined;
      throw error;
    }
  }
  return undefined;
}

/** A method (or construct) the extraction could not read: the dependencies stay unanswered. */
class Opaque extends Error {}

type ListValue = string | false | ListValue[];

/** Evaluates a depends expression on `model`; `self.m()` is looked up along the MRO from `from` (super: after the caller's class). */
function evaluateList(expr: ListExpr, model: ModelInfo, classes: readonly ClassDependsFacts[], from: number, depth = 0): ListValue {
  if (depth > 32) throw new Opaque();
  const again = (e: ListExpr, start = from) => evaluateList(e, model, classes, start, depth + 1);
  if ('const' in expr) return expr.const;
  if ('list' in expr) return expr.list.map((e) => again(e));
  if ('call' in expr || 'super' in expr) {
    const name = 'call' in expr ? expr.call : expr.super;
    const start = 'call' in expr ? 0 : from;
    for (let i = start; i < classes.length; i++) {
      const body = classes[i]!.listMethods?.[name];
      if (!body) continue;
      if ('unknown' in body) throw new Opaque();
      return again(body, i + 1);
    }
    throw new Opaque();
  }
  if ('add' in expr) {
    const [left, right] = [again(expr.add[0]), again(expr.add[1])];
    if (!Array.isArray(left) || !Array.isArray(right)) throw new Opaque();
    return [...left, ...right];
  }
  if ('if' in expr) {
    const test = 'hasField' in expr.if ? model.fields.has(expr.if.hasField) : truthy(again(expr.if.truthy));
    return again(test ? expr.then : expr.else);
  }
  if ('map' in expr) {
    const items = again(expr.of);
    if (!Array.isArray(items)) throw new Opaque();
    return items.map((x) => `${expr.map[0]}${String(x)}${expr.map[1]}`);
  }
  if ('fieldsOnly' in expr) {
    const items = again(expr.fieldsOnly);
    if (!Array.isArray(items)) throw new Opaque();
    return items.filter((x) => typeof x === 'string' && model.fields.has(x));
  }
  throw new Opaque();
}

function truthy(value: ListValue): boolean {
  return Array.isArray(value) ? value.length > 0 : !!value;
}

/**
 * The field's definitions along the MRO merged as fields.py `_setup_attrs` does (the most derived
 * definition's attributes over the earlier ones'); MetaModel's automatic definition when no class
 * defines it.
 */
function mergedFieldFacts(classes: readonly ClassDependsFacts[], name: string): FieldDependsFacts {
  const definitions = classes.map((c) => c.fields?.[name]).filter((f): f is FieldDependsFacts => !!f);
  if (!definitions.length) return PYTHON_DEPENDS_FACTS.magicFields[name] ?? {};
  return Object.assign({}, ...definitions.reverse()) as FieldDependsFacts;
}

const mroCache = new WeakMap<Registry, Map<string, readonly ClassDependsFacts[]>>();

/**
 * The installed Python classes of `model` in method resolution order (`_model_classes`), BaseModel
 * left out (the caller adds it last). Built as models.py `_build_model` does: each class's bases
 * are the class, then its `_inherit` parents' registry classes (the model's own earlier bases when
 * it extends itself) and `base`, kept in last-insertion order; the MRO is their C3 linearisation.
 */
export function classesInMro(registry: Registry, model: string): readonly ClassDependsFacts[] {
  let byModel = mroCache.get(registry);
  if (!byModel) mroCache.set(registry, (byModel = new Map()));
  let out = byModel.get(model);
  if (!out) {
    const nodes = linearize(registry, model, new Set());
    out = nodes.filter((n): n is ClassDependsFacts => typeof n === 'object');
    byModel.set(model, out);
  }
  return out;
}

/** An MRO node: a registry class (model name), one Python class, or Odoo's BaseModel. */
type Node = string | ClassDependsFacts | typeof BASE_MODEL;
const BASE_MODEL = Symbol('BaseModel');

function basesOf(registry: Registry, model: string): Node[] {
  let bases: Node[] = [];
  for (const klass of PYTHON_DEPENDS_FACTS.classes[model] ?? []) {
    if (!registry.modules.has(klass.module)) continue;
    const parents = [...(klass.inherit ?? []), ...(model === 'base' ? [] : ['base'])];
    const next: Node[] = [klass];
    // A class naming a new model (its _name not among its parents) starts the model over.
    for (const parent of parents) next.push(...(parent === model ? bases : [parent]));
    bases = lastInsertionOrder(next);
  }
  if (!bases.length && model !== 'base') bases = ['base'];
  return bases;
}

function lastInsertionOrder(items: Node[]): Node[] {
  return items.filter((item, i) => items.indexOf(item, i + 1) === -1);
}

function linearize(registry: Registry, model: string, visiting: Set<string>): Node[] {
  if (visiting.has(model)) return [model];
  visiting.add(model);
  const bases = basesOf(registry, model);
  const sequences = bases.map((b): Node[] => (typeof b === 'string' ? linearize(registry, b, visiting) : [b, BASE_MODEL]));
  visiting.delete(model);
  return [model, ...c3Merge([...sequences, bases])];
}

/** Python's C3 merge; on an inconsistent hierarchy (Python would refuse it) the remaining heads in order. */
function c3Merge(sequences: Node[][]): Node[] {
  const seqs = sequences.map((s) => [...s]).filter((s) => s.length);
  const out: Node[] = [];
  while (seqs.length) {
    const head = seqs.map((s) => s[0]!).find((h) => !seqs.some((s) => s.indexOf(h) > 0)) ?? seqs[0]![0]!;
    out.push(head);
    for (const s of seqs) {
      const at = s.indexOf(head);
      if (at >= 0) s.splice(at, 1);
    }
    for (let i = seqs.length - 1; i >= 0; i--) if (!seqs[i]!.length) seqs.splice(i, 1);
  }
  return out;
}
