import { accessDenied } from '../../errors.ts';
import type { ServedDatabase } from '../../call.ts';
import type { AccessMode, AccessPolicy, UserAccess } from '../access-policy.ts';
import { loadRegistry } from '../registry/registry-cache.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import { invalidCompaniesError, modelAclError, recordRuleError } from './access-messages.ts';
import { loadAccessTables, type AccessTables } from './access-tables.ts';
import { companyHintForFailure } from './rule-failure.ts';
import { computeRuleDomain, ruleEvalNames } from './rule-domains.ts';
import { loadUserFacts, type UserFacts } from './user-facts.ts';

/** Odoo's SUPERUSER_ID (`__system__`): every check is bypassed, as `env.su` does. */
export const SUPERUSER_ID = 1;

export interface DatabaseAccessPolicy extends AccessPolicy {
  /** Drop cached tables and users, e.g. after a write to res.users, res.groups, ir.model.access or ir.rule. */
  invalidate(): void;
}

/** What the write engine needs beyond the engine's UserAccess. */
export interface FicusUserAccess extends UserAccess {
  readonly user: UserFacts | null;
  /** env.companies ids (allowed_company_ids, or all the user's companies). */
  readonly companyIds: readonly number[];
  /** Every group's id by xml id, from the access tables this access was built from (access-tables.ts). */
  readonly groupIds: ReadonlyMap<string, number>;
  /** Every group's name and category, from the same tables (field-groups.ts' messages). */
  readonly groupLabels: AccessTables['groupLabels'];
}

/** Tells a policy when the tables it reads changed (services/kit/access/access-change-feed.ts, a LISTEN on the tables' triggers). */
export interface AccessChangeSignal {
  /** Every change is announced now: what is cached stays good until the next announcement. */
  readonly live: boolean;
  /** Runs `listener` on every announcement and whenever the signal goes live (again); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface AccessPolicyOptions {
  /**
   * How long access tables and user facts are reused when no `changes` say when they changed, or
   * while `changes` is not live. Short, because Odoo's own caches are invalidated on every write
   * to them and other processes (the legacy Odoo, the sync) may write them.
   */
  ttlMs?: number;
  /** While live, cached tables and users are kept until it announces a change, not for `ttlMs`. */
  changes?: AccessChangeSignal;
  now?: () => number;
}

/** Models whose writes change access decisions: the write engine invalidates on them. */
export const ACCESS_MODELS: ReadonlySet<string> = new Set([
  'res.users', 'res.groups', 'ir.model.access', 'ir.rule', 'res.company', 'ir.model',
]);

/**
 * The real AccessPolicy: `ir_model_access` grants per group (NULL group = everyone, union of
 * grants), groups closed over implied groups, record rules from `ir_rule` evaluated for the
 * user (global rules ANDed, group rules ORed, per mode, `_inherits` parents' rules included),
 * superuser bypass, and Odoo's exact error texts. Cached per (database, uid, companies) for `ttlMs`,
 * or while `changes` is live until it announces a change.
 */
export function createAccessPolicy(database: ServedDatabase, options: AccessPolicyOptions = {}): DatabaseAccessPolicy {
  const fallbackTtl = options.ttlMs ?? 5_000;
  const { changes } = options;
  const ttlNow = changes ? () => (changes.live ? Infinity : fallbackTtl) : () => fallbackTtl;
  const now = options.now ?? Date.now;
  let tables: { at: number; value: Promise<AccessTables> } | null = null;
  const users = new Map<number, { at: number; value: Promise<UserFacts | null> }>();

  function fresh(at: number): boolean {
    return now() - at < ttlNow();
  }

  function accessTables(): Promise<AccessTables> {
    if (!tables || !fresh(tables.at)) {
      const value = loadAccessTables(database.pool);
      tables = { at: now(), value };
      value.catch(() => {
        if (tables?.value === value) tables = null;
      });
    }
    return tables.value;
  }

  function userFacts(uid: number): Promise<UserFacts | null> {
    const cached = users.get(uid);
    if (cached && fresh(cached.at)) return cached.value;
    const value = loadUserFacts(database.pool, uid);
    users.set(uid, { at: now(), value });
    value.catch(() => users.delete(uid));
    return value;
  }

  /**
   * Evaluated rule domains, kept as long as the registry, access tables and user facts they
   * were computed from (the WeakMaps let them go together): evaluating every rule's Python
   * expression again on each call was a visible share of a small search. A rule reading `time`
   * sees the time of its first evaluation, at most `ttlMs` ago, or (`changes` live) since the
   * last change of the tables: as in Odoo, whose ormcache on
   * ir.rule._compute_domain is cleared only by writes to rules and groups.
   */
  const ruleDomainCache = new WeakMap<Registry, WeakMap<AccessTables, WeakMap<UserFacts, Map<string, unknown[] | null>>>>();
  function ruleDomainsOf(registry: Registry, access: AccessTables, user: UserFacts): Map<string, unknown[] | null> {
    let byAccess = ruleDomainCache.get(registry);
    if (!byAccess) ruleDomainCache.set(registry, (byAccess = new WeakMap()));
    let byUser = byAccess.get(access);
    if (!byUser) byAccess.set(access, (byUser = new WeakMap()));
    let domains = byUser.get(user);
    if (!domains) byUser.set(user, (domains = new Map()));
    return domains;
  }

  const invalidate = () => {
    tables = null;
    users.clear();
  };
  changes?.onChange(invalidate);

  return {
    invalidate,
    async forUser(uid, context) {
      const [registry, access, user] = await Promise.all([loadRegistry(database), accessTables(), userFacts(uid)]);
      if (!user) throw accessDenied();
      const lang = typeof context.lang === 'string' && context.lang ? context.lang : 'en_US';
      const superuser = uid === SUPERUSER_ID;
      const companyIds = envCompanies(user, context.allowed_company_ids, superuser);
      const companyId = Array.isArray(context.allowed_company_ids) && context.allowed_company_ids.length ? companyIds[0]! : user.companyId;
      const activeTest = context.active_test !== false;
      return userAccess({ registry, access, user, superuser, companyIds, companyId, lang, activeTest, database, ruleDomains: ruleDomainsOf(registry, access, user) });
    },
  };
}

/** odoo/api.py `Environment.companies`: allowed_company_ids must all belong to the user. */
function envCompanies(user: UserFacts, allowed: unknown, superuser: boolean): number[] {
  if (!Array.isArray(allowed) || !allowed.length) return [...user.companyIds];
  const ids = allowed.filter((c): c is number => typeof c === 'number');
  if (!superuser && (ids.length !== allowed.length || ids.some((c) => !user.companyIds.includes(c)))) throw invalidCompaniesError();
  return ids;
}

function userAccess(o: {
  registry: Registry;
  access: AccessTables;
  user: UserFacts;
  superuser: boolean;
  companyIds: number[];
  companyId: number | null;
  lang: string;
  /** The call's active_test: `_get_failing` counts the records with it (archived ones fail every rule). */
  activeTest: boolean;
  database: ServedDatabase;
  /** Shared by every call of this user with the same tables (see ruleDomainsOf). */
  ruleDomains: Map<string, unknown[] | null>;
}): FicusUserAccess {
  const { access, user, superuser } = o;
  const names = ruleEvalNames(user, o.companyIds, o.companyId);
  const domains = o.ruleDomains;
  const companies = `${o.companyIds.join(',')}\u0000${o.companyId ?? ''}`;

  function hasModel(model: ModelInfo, mode: AccessMode): boolean {
    if (superuser) return true;
    const grant = access.grants.get(model.name)?.get(mode);
    if (!grant) return false;
    if (grant.everyone) return true;
    for (const g of grant.groups) if (user.groupIds.has(g)) return true;
    return false;
  }

  return {
    uid: user.uid,
    companyId: o.companyId,
    companyIds: o.companyIds,
    superuser,
    isSystem: superuser || (access.groupSystem !== null && user.groupIds.has(access.groupSystem)),
    // user-facts.ts reads them joined to res_company.
    existingCompanyIds: user.companyIds,
    user,
    groupIds: access.groupIds,
    groupLabels: access.groupLabels,
    hasModel,
    checkModel(model, mode) {
      if (!hasModel(model, mode)) {
        throw modelAclError(model.name, access.modelNames.get(model.name), mode, access.grants.get(model.name)?.get(mode), o.lang);
      }
    },
    ruleDomain(model, mode) {
      if (superuser) return null;
      const key = `${companies}\u0000${model.name}\u0000${mode}`;
      // Frozen: the same array now serves many calls, and none of them may change it.
      if (!domains.has(key)) domains.set(key, deepFreeze(computeRuleDomain(o.registry, access.rules, model, mode, user, names)));
      return domains.get(key)!;
    },
    async ruleError(model, mode, ids) {
      const hint = await companyHintForFailure(o.database.pool, o.registry, access.rules, model, mode, ids, user, names, o.activeTest);
      return recordRuleError(user.name, user.uid, model.name, access.modelNames.get(model.name), mode, hint, o.lang);
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
