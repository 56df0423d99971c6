import type pg from 'pg';
import { accessError, type OdooError } from '../errors.ts';
import type { ModelInfo } from './registry/types.ts';

export type AccessMode = 'read' | 'write' | 'create' | 'unlink';

/**
 * The seam between the ORM engine and access control (ACLs and record rules), which the
 * access engineer implements in `orm/access/`.
 *
 * The engine calls `forUser` once per call, then only synchronous methods while compiling
 * SQL: rule domains must already be evaluated (Python `domain_force` with `user`,
 * `company_ids`… turned into a plain domain) when `forUser` resolves, and may be cached there.
 */
export interface AccessPolicy {
  forUser(uid: number, context: Readonly<Record<string, unknown>>): Promise<UserAccess>;
}

export interface UserAccess {
  readonly uid: number;
  /** env.company (first allowed company): company-dependent values are read for it. */
  readonly companyId: number | null;
  /** `env.su`: every check bypassed. */
  readonly superuser: boolean;
  /** `env.is_system()`: superuser or member of base.group_system. */
  readonly isSystem: boolean;
  /**
   * res.company ids known to exist without asking: the user's own companies, read together
   * with their res_company rows when the policy loaded the user (so as fresh as the rules).
   */
  readonly existingCompanyIds?: readonly number[];
  /** `env.companies` (allowed_company_ids, else the user's companies), when the policy resolved them. */
  readonly companyIds?: readonly number[];
  /** Model ACL (`ir_model_access`): throw Odoo's AccessError when `mode` is not granted. */
  checkModel(model: ModelInfo, mode: AccessMode): void;
  /** Same question, as a boolean (`has_access`, `check_access_rights(raise_exception=False)`). */
  hasModel(model: ModelInfo, mode: AccessMode): boolean;
  /**
   * Record rules for `mode` as one domain (global rules ANDed, group rules ORed), or null when
   * none apply. The engine ANDs it into every search the user runs, sub-searches included.
   */
  ruleDomain(model: ModelInfo, mode: AccessMode): unknown[] | null;
  /**
   * The error `read`/`check_access` raise when explicit ids are excluded by rules (Odoo's "Uh-oh!…" text).
   * May be async: the multi-company hint depends on which rules fail and on the records' companies.
   */
  ruleError(model: ModelInfo, mode: AccessMode, ids: readonly number[]): OdooError | Promise<OdooError>;
}

/**
 * Everything allowed, no rules: Odoo's `sudo()` view, for every uid. Never the default of an
 * engine: whoever answers calls as superuser says so by name (every call site is listed in
 * test/odoo-bridge/orm/access/read-paths.test.ts).
 */
export function superuserPolicy(pool: pg.Pool): AccessPolicy {
  const companies = new Map<number, number | null>();
  return {
    async forUser(uid) {
      let companyId = companies.get(uid);
      if (companyId === undefined) {
        const r = await pool.query<{ company_id: number | null }>('SELECT company_id FROM res_users WHERE id = $1', [uid]);
        companyId = r.rows[0]?.company_id ?? null;
        companies.set(uid, companyId);
      }
      return {
        uid,
        companyId,
        superuser: true,
        isSystem: true,
        checkModel() {},
        hasModel: () => true,
        ruleDomain: () => null,
        ruleError: (model, mode) => accessError(`You are not allowed to ${mode} '${model.name}' records.`),
      };
    },
  };
}
