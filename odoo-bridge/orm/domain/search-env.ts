import type { RawBuilder } from 'kysely';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';

export type Sql = RawBuilder<unknown>;

/**
 * What compiling a search needs to know about the call: the registry, the context values that
 * change SQL (lang, active_test, company) and the record-rule hook.
 *
 * `ruleDomain` is how record rules get in: the access engine returns, per model, the domain
 * Odoo would AND into every search of that model by the current user (global rules ANDed,
 * group rules ORed), or null when none apply (superuser, no rules). The compiler applies it to
 * the main search *and* to every sub-search Odoo runs as the user (`any`, x2many by name),
 * never to the sudo'ed ones (child_of expansion, rule domains themselves).
 */
export interface SearchEnv {
  readonly registry: Registry;
  readonly lang: string;
  readonly activeTest: boolean;
  /** env.company: company-dependent columns are read for it. */
  readonly companyId: number | null;
  /** `env.uid` (kept under sudo, as Odoo's sudo keeps the user): computes that depend on who reads (message_is_follower). */
  readonly uid?: number;
  readonly ruleDomain?: (model: ModelInfo) => unknown[] | null;
  /**
   * Who searches, for models whose `_search` filters by more than rules (ir.attachment follows
   * the records its rows are attached to). Absent for sudo searches and the superuser.
   */
  readonly viewer?: SearchViewer;
  /** Compiling a record rule's domain: a condition Ficus cannot evaluate must deny, not allow. */
  readonly insideRule?: boolean;
  /**
   * `_field_to_sql`'s `check_field_access_rights('read', [field])`: Odoo's AccessError for a
   * field with `groups=` the user is not in (access/field-groups.ts). Absent for sudo searches
   * and the superuser; not applied inside rule domains or sudo sub-searches (domain/field-read-checks.ts).
   */
  readonly checkFieldRead?: (model: ModelInfo, field: FieldInfo) => void;
  /**
   * `check_access('read')` that every `comodel._search` of expression.py starts with: a domain
   * path through a model the user may not read is Odoo's AccessError, not an empty match.
   * Absent for sudo searches and the superuser (domain/compile.ts `subSearch`).
   */
  readonly checkModelRead?: (model: ModelInfo) => void;
  /** How many sudo sub-searches are being compiled right now (no field checks inside them). */
  sudoDepth?: number;
  /** The call's context, for computes that depend on it (`@api.depends_context`). */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * The ids child_of / parent_of read `parent_path` of (a `_parent_store` model): collected while
   * compiling, checked to exist before the statement runs (domain/hierarchy-seeds.ts).
   */
  hierarchySeeds?: HierarchySeed[];
  /** A boolean among an x2many leaf's ids, refused as Odoo's statement is (domain/x2many-boolean-ids.ts). */
  refusedIds?: Error;
  /** Date/datetime strings of the domain's leaves: cast before the statement runs (domain/temporal-literals.ts). */
  temporalLiterals?: TemporalLiteral[];
  /**
   * res.company ids known to exist (the user's companies, UserAccess.existingCompanyIds): a seed
   * among them needs no query. Record rules' `parent_of company_ids` seeds are all of this kind.
   */
  readonly existingCompanyIds?: ReadonlySet<number>;
  /** Alias counter, per compiled statement. */
  aliasSeq: number;
}

export interface HierarchySeed {
  readonly model: ModelInfo;
  readonly ids: readonly number[];
}

export interface SearchViewer {
  readonly uid: number;
  /** `env.is_system()`. */
  readonly isSystem: boolean;
  /** `has_access('read')` on a model (its ACL). */
  canRead(model: ModelInfo): boolean;
}

export function newSearchEnv(
  registry: Registry,
  options: {
    lang?: string; activeTest?: boolean; companyId?: number | null; uid?: number; ruleDomain?: SearchEnv['ruleDomain']; viewer?: SearchViewer;
    checkFieldRead?: SearchEnv['checkFieldRead']; checkModelRead?: SearchEnv['checkModelRead']; context?: SearchEnv['context']; existingCompanyIds?: SearchEnv['existingCompanyIds'];
  } = {},
): SearchEnv {
  return {
    registry,
    lang: options.lang ?? 'en_US',
    activeTest: options.activeTest ?? true,
    companyId: options.companyId ?? null,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.ruleDomain ? { ruleDomain: options.ruleDomain } : {}),
    ...(options.viewer ? { viewer: options.viewer } : {}),
    ...(options.checkFieldRead ? { checkFieldRead: options.checkFieldRead } : {}),
    ...(options.checkModelRead ? { checkModelRead: options.checkModelRead } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.existingCompanyIds ? { existingCompanyIds: options.existingCompanyIds } : {}),
    hierarchySeeds: [],
    aliasSeq: 0,
  };
}

export function nextAlias(env: SearchEnv, model: ModelInfo): string {
  env.aliasSeq += 1;
  // Short, unique, never user-controlled: safe to inline as an identifier.
  return `${(model.table ?? 't').slice(0, 40)}_${env.aliasSeq}`;
}

/** A string compared with a date/datetime column in a domain leaf, as Odoo sends it to PostgreSQL. */
export interface TemporalLiteral {
  readonly model: ModelInfo;
  readonly field: FieldInfo;
  readonly operator: string;
  /** After expression.py's ' 00:00:00' / ' 23:59:59' completion of a datetime's date. */
  readonly value: string;
}
