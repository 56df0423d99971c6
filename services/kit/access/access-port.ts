import { sql, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { createAccessPolicy, loadRegistry, OdooError, recordRuleFilter, type AccessMode, type FicusUserAccess, type ModelInfo, type Registry } from '../../../odoo-bridge/orm/index.ts';
import { problems } from '../http/problem.ts';
import type { AccessChangeFeed } from './access-change-feed.ts';
import { userHasGroup } from './groups.ts';

export type { AccessMode };

/**
 * What a REST handler may ask about its caller, answered by the ORM engine's own access policy
 * over the service database's copies of ir_model_access, ir_rule and the groups: the same rights
 * and record rules an Odoo RPC call of the same user meets, so a route can never show or change
 * more than that user could over RPC. Errors are problems: an ACL refusal is 403 (Odoo's
 * AccessError text), a record outside the user's read rules is 404 (as if it did not exist: for
 * this user it does not), a record readable but outside the mode's rules is 403.
 */
export interface AccessPort {
  readonly uid: number;
  /** ACL for `mode`, and with `ids` the record rules too (read rules first, then the mode's). `label` names the records in a 404 ("service order"). */
  check(model: string, mode: AccessMode, ids?: readonly number[], label?: string): Promise<void>;
  /** The ACL as a boolean (`check_access_rights(raise_exception=False)`). */
  may(model: string, mode: AccessMode): Promise<boolean>;
  /** The ids among `ids` the user's `mode` rules allow (ACL not checked). */
  allowed(model: string, mode: AccessMode, ids: readonly number[]): Promise<Set<number>>;
  /** The record rules as a SQL condition over `alias` (a row of the model's table), for list queries; TRUE when none apply. */
  rules(model: string, mode: AccessMode, alias: string): Promise<RawBuilder<boolean>>;
  /** `env.user.has_group(xmlid)`, implied groups included. */
  hasGroup(xmlid: string): Promise<boolean>;
}

export interface PreparedUser {
  readonly uid: number;
  readonly registry: Registry;
  readonly user: FicusUserAccess;
}

/** Creates each request's AccessPort; one per service database (it holds the policy's caches). */
export interface AccessPorts {
  /**
   * Loads what the user's checks need (registry, access tables, the user's groups) on the pool,
   * before the request's transaction takes a connection: loading it from inside the transaction
   * would hold one connection while waiting for another, and a burst of requests would starve
   * the pool (every connection held by a transaction waiting for a free one).
   */
  prepare(uid: number): Promise<PreparedUser>;
  forUser(prepared: PreparedUser, db: Kysely<any>): AccessPort;
  /** After a write to users, groups, ACLs or rules in this process. */
  invalidate(): void;
}

/**
 * With `changes` live, the access tables and user facts are reloaded when the copy announces a
 * change (access-change-triggers.ts), not on a timer: reloading them every second was ~15 ms of
 * tables plus one query per user per second on a busy service. Otherwise (no feed, or its
 * connection lost) `ttlMs` bounds how long a change of groups, ACLs or rules in the copy takes to
 * be seen. Whether the user may act at all (exists, active, same credentials) is checked on every
 * request either way (auth/subject-check.ts).
 */
export function accessPorts(database: { name: string; pool: pg.Pool }, options: { ttlMs?: number; changes?: AccessChangeFeed } = {}): AccessPorts {
  const policy = createAccessPolicy(database, { ttlMs: options.ttlMs ?? 1_000, ...(options.changes ? { changes: options.changes } : {}) });
  return {
    invalidate: () => policy.invalidate(),
    async prepare(uid) {
      const [registry, user] = await Promise.all([loadRegistry(database), asProblem(policy.forUser(uid, {}))]);
      return { uid, registry, user: user as FicusUserAccess };
    },
    forUser(prepared, db) {
      const { uid } = prepared;
      const load = async () => prepared;
      const modelOf = (registry: Registry, name: string): ModelInfo => {
        const model = registry.models.get(name);
        if (!model?.table) throw new Error(`model ${name} is not in the service database's registry`);
        return model;
      };
      const rulesSql = (registry: Registry, user: FicusUserAccess, model: ModelInfo, mode: AccessMode, alias: string, domain: unknown[]) =>
        recordRuleFilter(registry, user, model, mode, alias, domain) as RawBuilder<boolean>;
      const allowed = async (name: string, mode: AccessMode, ids: readonly number[]) => {
        const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
        if (!unique.length) return new Set<number>();
        const { registry, user } = await load();
        const model = modelOf(registry, name);
        const where = rulesSql(registry, user, model, mode, 'r', [['id', 'in', unique]]);
        const { rows } = await sql<{ id: number }>`SELECT r.id FROM ${sql.table(model.table!)} AS r WHERE ${where}`.execute(db);
        return new Set(rows.map((r) => r.id));
      };
      return {
        uid,
        async check(name, mode, ids, label) {
          const { registry, user } = await load();
          const model = modelOf(registry, name);
          await asProblem(Promise.resolve().then(() => user.checkModel(model, mode)));
          if (!ids?.length) return;
          const readable = await allowed(name, 'read', ids);
          const hidden = ids.find((id) => !readable.has(id));
          if (hidden !== undefined) throw problems.notFound(`${label ?? name} ${hidden} does not exist`);
          if (mode === 'read') return;
          const permitted = await allowed(name, mode, ids);
          const denied = ids.filter((id) => !permitted.has(id));
          if (denied.length) throw problems.forbidden((await user.ruleError(model, mode, denied)).message);
        },
        async may(name, mode) {
          const { registry, user } = await load();
          return user.hasModel(modelOf(registry, name), mode);
        },
        allowed,
        async rules(name, mode, alias) {
          const { registry, user } = await load();
          return rulesSql(registry, user, modelOf(registry, name), mode, alias, []);
        },
        async hasGroup(xmlid) {
          const { user } = await load();
          return userHasGroup(db, user, xmlid);
        },
      };
    },
  };
}

/** Odoo's AccessError (and the policy's "access denied" for an unknown user) as 403 problems; anything else stays an error. */
async function asProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof OdooError) throw problems.forbidden(error.message);
    throw error;
  }
}
