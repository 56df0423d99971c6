import type { Registry } from '../registry/types.ts';
import type { SearchEnv, Sql } from './search-env.ts';

/**
 * Record-rule conditions compiled once and reused by later calls.
 *
 * The access policy hands out one frozen array per (user, model, mode, companies) for as long as
 * its tables and the user's facts hold (access/access-policy.ts `ruleDomain`), and every search
 * of that user compiled the same array to the same SQL again: a visible share of a small
 * search's CPU. Compiling a rule depends only on that array, the registry, the alias it is put
 * under, the alias counter it starts from (the sub-selects' aliases), and the env facts the
 * compiler reads (lang, company, uid, whether a viewer is set); rules are compiled as sudo
 * without field checks, guards or rules of their own. Those make the key; a new policy state is
 * a new array, so nothing stale is ever found. A hit replays what compiling did to the env (the
 * alias counter it advanced to, the child_of/parent_of seeds it collected…: EnvEffects).
 */
interface CompiledRule {
  readonly registry: Registry;
  readonly sql: Sql;
  readonly effects: EnvEffects;
}

/**
 * What compiling did to the env, found by comparing it before and after rather than by naming
 * the fields (the alias counter, hierarchySeeds, anything the compiler notes later): values it
 * set, and items it appended to arrays (arrays it created count as appended to an empty one).
 */
export interface EnvEffects {
  readonly set: ReadonlyArray<readonly [string, unknown]>;
  readonly appended: ReadonlyArray<readonly [string, readonly unknown[]]>;
}

type EnvRecord = Record<string, unknown>;

export function snapshot(env: SearchEnv): Map<string, { value: unknown; length: number }> {
  const state = new Map<string, { value: unknown; length: number }>();
  for (const [key, value] of Object.entries(env as unknown as EnvRecord)) state.set(key, { value, length: Array.isArray(value) ? value.length : 0 });
  return state;
}

export function effectsSince(env: SearchEnv, before: Map<string, { value: unknown; length: number }>): EnvEffects {
  const set: Array<[string, unknown]> = [];
  const appended: Array<[string, unknown[]]> = [];
  for (const [key, value] of Object.entries(env as unknown as EnvRecord)) {
    const was = before.get(key);
    if (Array.isArray(value)) {
      const from = was && was.value === value ? was.length : 0;
      if (value.length > from) appended.push([key, value.slice(from)]);
    } else if (!was || was.value !== value) set.push([key, value]);
  }
  return { set, appended };
}

export function replay(env: SearchEnv, effects: EnvEffects): void {
  const record = env as unknown as EnvRecord;
  for (const [key, value] of effects.set) record[key] = value;
  for (const [key, items] of effects.appended) {
    const list = record[key];
    if (Array.isArray(list)) list.push(...items);
    else record[key] = [...items];
  }
}

const compiled = new WeakMap<readonly unknown[], Map<string, CompiledRule>>();
/** Keys per rule array: a model's rules are compiled under a few aliases and counters only; this bounds the odd case. */
const MAX_KEYS_PER_RULE = 64;

function keyOf(env: SearchEnv, model: string, alias: string): string {
  return `${model}\0${alias}\0${env.aliasSeq}\0${env.lang}\0${env.companyId ?? ''}\0${env.uid ?? ''}\0${env.viewer ? 1 : 0}`;
}

/**
 * `compile()`'s SQL for `rules` under `alias`, from the cache when it was compiled before in the
 * same circumstances. `compile` runs on `env` (whose alias counter and seeds it advances).
 */
export function compiledRuleSql(env: SearchEnv, model: string, rules: readonly unknown[], alias: string, compile: () => Sql): Sql {
  // Only the policy's frozen arrays are known never to change under the same identity.
  if (!Object.isFrozen(rules)) return compile();
  const key = keyOf(env, model, alias);
  let byKey = compiled.get(rules);
  const hit = byKey?.get(key);
  if (hit && hit.registry === env.registry) {
    replay(env, hit.effects);
    return hit.sql;
  }
  const before = snapshot(env);
  const result = compile();
  if (!byKey) compiled.set(rules, (byKey = new Map()));
  if (byKey.size >= MAX_KEYS_PER_RULE) byKey.clear();
  byKey.set(key, { registry: env.registry, sql: result, effects: effectsSince(env, before) });
  return result;
}
