import { userError } from '../errors.ts';
import { fieldAccessFor, type FieldAccess } from './access/field-groups.ts';
import type { AccessPolicy, UserAccess } from './access-policy.ts';
import { newSearchEnv, type SearchEnv } from './domain/search-env.ts';
import type { ReadEnv } from './read/read-env.ts';
import type { ReadOptions } from './read/read-env.ts';
import type { FieldInfo, ModelInfo, Registry } from './registry/types.ts';
import type { Queryable } from './sql/execute.ts';

/**
 * Everything one ORM call runs with: registry, user access, the context values that change
 * results (`lang`, `tz`, `active_test`, `bin_size`), and the database. RPC starts from an
 * empty context and `kwargs.context` replaces it (Odoo's `with_context(ctx)`).
 */
export interface CallContext {
  readonly registry: Registry;
  readonly db: Queryable;
  readonly uid: number;
  readonly access: UserAccess;
  readonly context: Readonly<Record<string, unknown>>;
  readonly lang: string;
  readonly tz: string | null;
  readonly activeTest: boolean;
  readonly filestore: string | null;
  /** Field-level access rights (`groups=` on fields) of this call's user: access/field-groups.ts. */
  readonly fieldAccess: FieldAccess;
  /** A fresh compile environment (alias counter per statement), rules for `mode` applied. */
  searchEnv(options?: { activeTest?: boolean; sudo?: boolean }): SearchEnv;
  readEnv(options?: { sudo?: boolean }): ReadEnv;
  readOptions(load?: unknown): ReadOptions;
}

export async function createCallContext(options: {
  registry: Registry;
  db: Queryable;
  uid: number;
  rawContext: unknown;
  policy: AccessPolicy;
  filestore: string | null;
}): Promise<CallContext> {
  const context = options.rawContext && typeof options.rawContext === 'object' && !Array.isArray(options.rawContext)
    ? (options.rawContext as Record<string, unknown>)
    : {};
  const lang = typeof context.lang === 'string' && context.lang ? context.lang : 'en_US';
  // env.lang: an unknown or inactive language is refused (golden read.040).
  if (lang !== 'en_US' && !options.registry.languages.has(lang)) throw userError(`Invalid language code: ${lang}`);
  const access = await options.policy.forUser(options.uid, context);
  const fieldAccess = await fieldAccessFor(options.db, options.registry, access, lang);
  const activeTest = context.active_test !== false;
  const existingCompanyIds = access.existingCompanyIds?.length ? new Set(access.existingCompanyIds) : undefined;
  const viewer = { uid: options.uid, isSystem: access.isSystem, canRead: (model: ModelInfo) => access.hasModel(model, 'read') };
  const ctx: CallContext = {
    registry: options.registry,
    db: options.db,
    uid: options.uid,
    access,
    context,
    lang,
    tz: typeof context.tz === 'string' ? context.tz : null,
    activeTest,
    filestore: options.filestore,
    fieldAccess,
    searchEnv(o = {}) {
      return newSearchEnv(options.registry, {
        lang,
        activeTest: o.activeTest ?? activeTest,
        companyId: access.companyId,
        uid: options.uid,
        context,
        existingCompanyIds,
        ...(o.sudo ? {} : { ruleDomain: (model: ModelInfo) => access.ruleDomain(model, 'read') }),
        ...(o.sudo || access.superuser
          ? {}
          : { viewer, checkFieldRead: (model: ModelInfo, field: FieldInfo) => fieldAccess.check(model, 'read', [field.name]), checkModelRead: (model: ModelInfo) => access.checkModel(model, 'read') }),
      });
    },
    readEnv(o = {}) {
      return { db: options.db, search: ctx.searchEnv(o), ...(o.sudo ? {} : { checkRead: (model: ModelInfo) => access.checkModel(model, 'read'), rightOf: (model: ModelInfo, mode: 'write' | 'create' | 'unlink') => ({ granted: access.hasModel(model, mode), ruleDomain: access.ruleDomain(model, mode) }) }) };
    },
    readOptions(load = '_classic_read') {
      return {
        load: typeof load === 'string' ? load : null,
        binSize: context.bin_size === true,
        filestore: options.filestore,
      };
    },
  };
  return ctx;
}
