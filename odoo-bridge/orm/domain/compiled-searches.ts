import { sql } from 'kysely';
import { compileSql } from '../sql/execute.ts';
import { NUMERIC_TYPES, STRING_TYPES, type FieldInfo, type ModelInfo, type Registry } from '../registry/types.ts';
import { fieldGuardsVersion } from '../access/field-guards.ts';
import { ATTACHMENT_MODEL } from './attachment-access.ts';
import { effectsSince, replay, snapshot, type EnvEffects } from './compiled-rules.ts';
import { checkFieldRead } from './field-read-checks.ts';
import type { SearchEnv, Sql } from './search-env.ts';

/**
 * A search's WHERE compiled once per domain *shape* and replayed with the next call's values.
 *
 * Clients send the same domain again and again with other values (a list view's filters, the
 * bench's partner search): compiling it — parse, tree, leaves, kysely fragments — was a visible
 * share of a small search's CPU. The shape is the domain with each value replaced by its kind
 * (see `valueKind`); booleans, None, 0, '' and [] change the SQL Odoo writes, so they stay in the
 * shape as they are. Only leaves whose SQL is the plain column comparison of scalar-leaf.ts are
 * shaped: a stored column of the model itself (no dotted path, `_inherits` field, computed or
 * date field, no name search), a comparison operator, a value of a kind that field takes as is.
 *
 * Whether the values really only travel as parameters is not assumed but checked, each time a
 * shape is first seen: the domain is compiled twice, with the call's values and with probe
 * values of the same kinds (other numbers, long strings, lists of another length). The shape is
 * kept only when both give the same text and each differing parameter is a leaf's value itself
 * or its `%value%` like pattern, and compiling did the same to the env (alias counter, the
 * rules' hierarchy seeds: nothing value-dependent such as temporal literals). A string cut to a
 * char(n) field's size, an int() of a string, a value that picks another SQL: the probe gives
 * other parameters or text, and that shape is always compiled afresh.
 *
 * The key holds what the compiler reads from the env (registry, lang, active_test, company,
 * uid, whether field checks apply, the declared field guards' version, the alias and counter it
 * starts from) and the record rules' array, which the access
 * policy replaces whenever its tables or the user's facts change (compiled-rules.ts): a new
 * registry or new rules never find an old entry. The field read checks (`groups=`) depend on
 * the user's groups at the moment, so a replay runs them again.
 */
interface Template {
  readonly registry: Registry;
  /** The text around the parameters (`$1`, `$2`… removed): fragments.length = slots.length + 1. */
  readonly fragments: TemplateFragments;
  readonly slots: readonly Slot[];
  readonly effects: EnvEffects;
  /** The leaves' fields, in the order compiling checks their read access. */
  readonly checkedFields: readonly FieldInfo[];
}

/** kysely's `sql` reads only the fragments of its template array (not `raw`). */
type TemplateFragments = readonly string[];

type Slot = { kind: 'constant'; value: unknown } | { kind: 'value'; leaf: number } | { kind: 'pattern'; leaf: number };

/** A shape seen not to replay (its values change the SQL): compiled afresh each time. */
const NOT_REPLAYABLE = 'not replayable';

const NO_RULES: readonly unknown[] = Object.freeze([]);
const templates = new WeakMap<readonly unknown[], Map<string, Template | typeof NOT_REPLAYABLE>>();
/** Shapes kept per rules array: a bound for clients that build ever new domains. */
const MAX_SHAPES_PER_RULES = 512;

/** How often a shape was replayed and how often one was probed (a test checks the cache is really used). */
export const compiledSearchCounts = { replayed: 0, probed: 0 };

const OPERATORS: ReadonlySet<string> = new Set(['=', '!=', '<', '>', '<=', '>=', 'like', 'ilike', 'not like', 'not ilike', '=like', '=ilike', 'in', 'not in']);
const STRING_VALUED: ReadonlySet<string> = new Set([...STRING_TYPES, 'selection']);

interface Shape {
  readonly key: string;
  /** The parameterised leaves' values, in domain order. */
  readonly values: unknown[];
  /** Where each parameterised value sits in the domain (item index), to build the probe domain. */
  readonly positions: number[];
  readonly kinds: ValueKind[];
  readonly fields: FieldInfo[];
}

type ValueKind = 'int+' | 'int-' | 'num+' | 'num-' | 'str' | 'ints' | 'strs';

export interface CacheableOptions {
  activeTest?: boolean;
  sudo?: boolean;
  bypassAccess?: boolean;
}

/**
 * `compile(env, model, domain, alias, options)` (compileWhere's own work), from the template of
 * the domain's shape when it has one.
 */
export function cachedWhere<O extends CacheableOptions>(
  env: SearchEnv,
  model: ModelInfo,
  domain: unknown,
  alias: string,
  options: O,
  compile: (env: SearchEnv, model: ModelInfo, domain: unknown, alias: string, options: O) => Sql,
): Sql {
  if (options.sudo || options.bypassAccess || env.insideRule || env.sudoDepth || model.name === ATTACHMENT_MODEL) return compile(env, model, domain, alias, options);
  const activeTest = options.activeTest ?? env.activeTest;
  const shape = shapeOf(env, model, domain, activeTest);
  if (!shape) return compile(env, model, domain, alias, options);
  const rules = (env.ruleDomain && env.ruleDomain(model)) || NO_RULES;
  if (!Object.isFrozen(rules)) return compile(env, model, domain, alias, options);
  // Field checks present or not (a sudo env keeps the uid but drops them) also decide the declared field guards' CASE (access/field-guards.ts).
  const checked = env.checkFieldRead ? 1 : 0;
  const key = `${model.name}\0${alias}\0${env.aliasSeq}\0${env.lang}\0${activeTest ? 1 : 0}\0${env.companyId ?? ''}\0${env.uid ?? ''}\0${checked}\0${fieldGuardsVersion()}\0${shape.key}`;
  let byKey = templates.get(rules);
  const known = byKey?.get(key);
  if (known === NOT_REPLAYABLE) return compile(env, model, domain, alias, options);
  if (known && known.registry === env.registry) {
    compiledSearchCounts.replayed += 1;
    for (const field of known.checkedFields) checkFieldRead(env, model, field);
    replay(env, known.effects);
    return fromTemplate(known, shape.values);
  }
  const probeEnv = copyOf(env);
  const before = snapshot(env);
  const result = compile(env, model, domain, alias, options);
  const effects = effectsSince(env, before);
  compiledSearchCounts.probed += 1;
  const probes = shape.kinds.map((kind, leaf) => probeValue(kind, shape.values[leaf], leaf));
  const template = templateOf(env.registry, result, effects, shape, probes, () => {
    const probeBefore = snapshot(probeEnv);
    const probe = compile(probeEnv, model, probeDomain(domain as unknown[], shape, probes), alias, options);
    return { probe, effects: effectsSince(probeEnv, probeBefore) };
  });
  if (!byKey) templates.set(rules, (byKey = new Map()));
  if (byKey.size >= MAX_SHAPES_PER_RULES) byKey.clear();
  byKey.set(key, template ?? NOT_REPLAYABLE);
  return result;
}

/** The domain's shape, or null when one of its items is not a plain scalar leaf (see the file's comment). */
function shapeOf(env: SearchEnv, model: ModelInfo, domain: unknown, activeTest: boolean): Shape | null {
  if (!Array.isArray(domain) || domain.length > 64) return null;
  const parts: string[] = [];
  const values: unknown[] = [];
  const positions: number[] = [];
  const kinds: ValueKind[] = [];
  const fields: FieldInfo[] = [];
  let mentionsActive = false;
  for (let index = 0; index < domain.length; index++) {
    const item: unknown = domain[index];
    if (item === '&' || item === '|' || item === '!') {
      parts.push(item);
      continue;
    }
    if (!Array.isArray(item) || item.length !== 3) return null;
    const [name, operator, value] = item as [unknown, unknown, unknown];
    if (typeof name !== 'string' || typeof operator !== 'string' || !OPERATORS.has(operator)) return null;
    const field = model.fields.get(name);
    if (!field || !takesAsIs(field)) return null;
    if (name === model.activeField) mentionsActive = true;
    fields.push(field);
    const kind = valueKind(field, value);
    if (kind === null) return null;
    if (kind === 'as is') {
      parts.push(`${name}\u0001${operator}\u0001${JSON.stringify(value)}`);
    } else {
      parts.push(`${name}\u0001${operator}\u0001<${kind}>`);
      values.push(value);
      positions.push(index);
      kinds.push(kind);
    }
  }
  // withActiveLeaf's `(active, '=', 1)` leaf is compiled (and its field checked) first.
  if (model.activeField && activeTest && !mentionsActive) {
    const active = model.fields.get(model.activeField);
    if (!active) return null;
    fields.unshift(active);
  }
  return { key: parts.join('\u0002'), values, positions, kinds, fields };
}

/** A stored column of the model itself whose leaves scalar-leaf.ts compiles without searching anything else. */
function takesAsIs(field: FieldInfo): boolean {
  if (!field.store || !field.column || field.inheritedVia) return false;
  return field.name === 'id' || field.type === 'many2one' || field.type === 'boolean' || NUMERIC_TYPES.has(field.type) || STRING_VALUED.has(field.type);
}

/**
 * 'as is' for the values that choose Odoo's SQL (booleans, None, 0, '', []: they go into the
 * key), a kind for the values that should only be parameters, null for values this field does
 * not take as they are (a string on a number or a many2one is converted or name-searched).
 */
function valueKind(field: FieldInfo, value: unknown): ValueKind | 'as is' | null {
  if (value === true || value === false || value === null || value === 0 || value === '' || (Array.isArray(value) && value.length === 0)) return 'as is';
  if (field.type === 'boolean') return null;
  const numeric = field.name === 'id' || field.type === 'many2one' || NUMERIC_TYPES.has(field.type);
  if (typeof value === 'number') {
    if (!numeric || !Number.isFinite(value)) return null;
    // Beyond int4 an integer is written `::int8` (scalar-leaf.ts) or refused on an id: not a parameter of a shape.
    if (Number.isInteger(value) && (value > 2147483647 || value < -2147483648)) return null;
    if (Number.isInteger(value)) return value > 0 ? 'int+' : 'int-';
    return value > 0 ? 'num+' : 'num-';
  }
  if (typeof value === 'string') return STRING_VALUED.has(field.type) ? 'str' : null;
  if (Array.isArray(value)) {
    if (numeric && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) return 'ints';
    if (STRING_VALUED.has(field.type) && value.every((v) => typeof v === 'string' && v !== '')) return 'strs';
  }
  return null;
}

/** Values of the same kinds unlike any a client sends: other numbers, long strings (longer than any char size), lists of another length. */
function probeValue(kind: ValueKind, real: unknown, leaf: number): unknown {
  const avoid = (candidate: number) => (candidate === real ? candidate + 1000 : candidate);
  const text = (n: number) => `ficus probe ${leaf}.${n} ${'x'.repeat(300)}`;
  switch (kind) {
    case 'int+':
      return avoid(900_000_001 + 7 * leaf);
    case 'int-':
      return avoid(-900_000_001 - 7 * leaf);
    // Ten decimals: a Float rounded to its digits (scalar-leaf.ts floatToDigits) gives another parameter.
    case 'num+':
      return avoid(12_345.6251234567 + leaf);
    case 'num-':
      return avoid(-12_345.6251234567 - leaf);
    case 'str':
      return text(0);
    case 'ints':
      return Array.from({ length: (real as unknown[]).length + 1 }, (_, i) => 900_000_001 + 7 * leaf + i);
    case 'strs':
      return Array.from({ length: (real as unknown[]).length + 1 }, (_, i) => text(i));
  }
}

function probeDomain(domain: unknown[], shape: Shape, probes: readonly unknown[]): unknown[] {
  const probe = [...domain];
  shape.positions.forEach((position, leaf) => {
    const [name, operator] = domain[position] as unknown[];
    probe[position] = [name, operator, probes[leaf]];
  });
  return probe;
}

/** The env as compiling starts from, for the probe's compile: its arrays copied, so that the real env's stay as they are. */
function copyOf(env: SearchEnv): SearchEnv {
  const copy: Record<string, unknown> = { ...env };
  for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = [...value];
  return copy as unknown as SearchEnv;
}

function templateOf(
  registry: Registry,
  result: Sql,
  effects: EnvEffects,
  shape: Shape,
  probes: readonly unknown[],
  compileProbe: () => { probe: Sql; effects: EnvEffects },
): Template | null {
  let probed: { probe: Sql; effects: EnvEffects };
  try {
    probed = compileProbe();
  } catch {
    return null; // a probe value the field refuses: its values are more than parameters
  }
  const real = compileSql(result);
  const probe = compileSql(probed.probe);
  if (real.sql !== probe.sql || real.parameters.length !== probe.parameters.length || !sameValue(effects, probed.effects, 6)) return null;
  const fragments = fragmentsOf(real.sql, real.parameters.length);
  if (!fragments) return null;
  const slots: Slot[] = [];
  for (let j = 0; j < real.parameters.length; j++) {
    const slot = slotOf(real.parameters[j], probe.parameters[j], shape.values, probes);
    if (!slot) return null;
    slots.push(slot);
  }
  return { registry, fragments, slots, effects, checkedFields: shape.fields };
}

function slotOf(real: unknown, probe: unknown, values: readonly unknown[], probes: readonly unknown[]): Slot | null {
  if (sameValue(real, probe, 3)) return { kind: 'constant', value: real };
  for (let leaf = 0; leaf < values.length; leaf++) {
    if (sameValue(real, values[leaf], 2) && sameValue(probe, probes[leaf], 2)) return { kind: 'value', leaf };
    if (typeof values[leaf] !== 'object' && real === `%${String(values[leaf])}%` && probe === `%${String(probes[leaf])}%`) return { kind: 'pattern', leaf };
  }
  return null;
}

/** The text split at `$1`, `$2`… (each once, in order), or null when it is not that plain. */
function fragmentsOf(text: string, count: number): string[] | null {
  const fragments: string[] = [];
  let from = 0;
  let next = 1;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    if (Number(match[1]) !== next) return null;
    fragments.push(text.slice(from, match.index));
    from = match.index + match[0].length;
    next += 1;
  }
  if (next - 1 !== count) return null;
  fragments.push(text.slice(from));
  return fragments;
}

function fromTemplate(template: Template, values: readonly unknown[]): Sql {
  const parameters = template.slots.map((slot) => {
    if (slot.kind === 'constant') return slot.value;
    const value = values[slot.leaf];
    if (slot.kind === 'pattern') return `%${String(value)}%`;
    return Array.isArray(value) ? [...value] : value;
  });
  // Plain values become value nodes (one parameter each, arrays too), as in the fresh compile.
  return sql(template.fragments as unknown as TemplateStringsArray, ...parameters);
}

/** Equal values: the same object, or equal plain data (arrays, records) down to `depth`. */
function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a, b)) return true;
  if (depth <= 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth - 1));
}
