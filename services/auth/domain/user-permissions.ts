import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import { CODES_FOR_GROUPS, legacyStatement, legacyValues, SUPERUSER_ID, type LegacyRow } from './permissions-queries.ts';

/**
 * Where the tables live. `legacy` is the monolith's database: res_users, res_groups*,
 * ir_model_access and ir_model_data always stay Odoo's. `permissions` holds `permissions` and
 * `permission_group_rel` (hp.permission): the legacy database while M01 is in Odoo, svc_auth after
 * cutover, with the same table shapes. Passing the same object twice saves a round trip.
 */
export interface PermissionSources {
  legacy: Queryable;
  permissions: Queryable;
}

export interface GroupGrant {
  id: number;
  /** `module.name` from ir_model_data, null for a group created in the UI without one. */
  xmlid: string | null;
  name: string;
  /** Odoo's `full_name`: "Category / Group", or the group name alone without a category. */
  fullName: string;
  /**
   * The group is implied by another of the user's groups (res_groups_implied_rel, transitively).
   * Odoo ≤18 also stores such groups as membership rows, so a row is no proof of a direct grant:
   * a member's `base.group_user` is implied even though its row exists. Only the groups nothing
   * else of the user implies are direct (what Odoo 19 keeps as the user's own `group_ids`).
   */
  implied: boolean;
}

export interface ModelRights {
  read: boolean;
  write: boolean;
  create: boolean;
  unlink: boolean;
}

export interface UserPermissions {
  userId: number;
  login: string;
  active: boolean;
  /** `hp_user_type` (member, coach, merchant, operator): the business role, kept apart from the groups. */
  userType: string;
  /** `hp_level`. */
  level: number;
  /**
   * uid 1 (`__system__`): Odoo runs it as `env.su`, so every ACL check passes and `acl` lists every
   * model with every right. Its groups and permission codes are still its real memberships, since
   * Odoo 18's `has_group` does not bypass for the superuser either.
   */
  superuser: boolean;
  /** Ordered by group id. */
  groups: GroupGrant[];
  /** Distinct, sorted by code point. */
  permissionCodes: string[];
  /** Per model (`ir_model.model`), only models with at least one right. */
  acl: Record<string, ModelRights>;
}

/** What `GET /auth/verify` needs: the same answer without the ACL summary, from a smaller query. */
export type UserGrants = Omit<UserPermissions, 'acl'>;

/** The largest id a res_users row can have (int4). */
const MAX_ID = 2 ** 31 - 1;

/** Groups, permission codes and the ACL summary per model, exactly as Odoo computes them; undefined: no such user. */
export async function userPermissions(sources: PermissionSources, userId: number): Promise<UserPermissions | undefined> {
  const loaded = await load(sources, userId, true);
  if (!loaded) return undefined;
  return { ...loaded.grants, acl: rightsOf(loaded.row.acl ?? {}) };
}

/** Groups and permission codes only (no ACL), for token verification on every request. */
export async function userGrants(sources: PermissionSources, userId: number): Promise<UserGrants | undefined> {
  return (await load(sources, userId, false))?.grants;
}

/**
 * `GET /users/{id}/permissions`: everyone may read their own; operators and admins (the platform's
 * and Odoo's Settings group) anyone's. `groupXmlids` are the viewer's effective groups (implied
 * included), as `userGrants` lists them.
 */
export function mayReadPermissionsOf(viewer: { userId: number; groupXmlids: readonly string[] }, targetUserId: number): boolean {
  return viewer.userId === targetUserId || viewer.groupXmlids.some((xmlid) => PERMISSION_READERS.has(xmlid));
}

const PERMISSION_READERS: ReadonlySet<string> = new Set(['hp_account.group_hp_operator', 'hp_account.group_hp_admin', 'base.group_system']);

async function load(sources: PermissionSources, userId: number, acl: boolean): Promise<{ row: LegacyRow; grants: UserGrants } | undefined> {
  // No res_users row can have such an id; asking would only make PostgreSQL reject the parameter.
  if (!Number.isSafeInteger(userId) || userId < 1 || userId > MAX_ID) return undefined;
  // While both tables live in one database, one statement answers everything.
  const codesHere = sources.permissions === sources.legacy;
  const { rows } = await sources.legacy.query<LegacyRow>(legacyStatement({ acl, codes: codesHere }), legacyValues(userId, { acl }));
  const row = rows[0];
  if (!row) return undefined;
  const codes = codesHere ? (row.codes ?? []) : await codesElsewhere(sources.permissions, row.groups.map((g) => g.id));
  return {
    row,
    grants: {
      userId: row.id,
      login: row.login,
      active: row.active,
      userType: row.hp_user_type,
      level: row.hp_level,
      superuser: row.id === SUPERUSER_ID,
      groups: row.groups.map((g) => ({
        id: g.id,
        xmlid: g.xmlid,
        name: g.name,
        fullName: g.category === null ? g.name : `${g.category} / ${g.name}`,
        implied: g.implied,
      })),
      permissionCodes: codes,
    },
  };
}

async function codesElsewhere(db: Queryable, groupIds: number[]): Promise<string[]> {
  if (!groupIds.length) return [];
  const { rows } = await db.query<{ codes: string[] }>(CODES_FOR_GROUPS, [groupIds]);
  return rows[0]?.codes ?? [];
}

function rightsOf(acl: Record<string, [boolean, boolean, boolean, boolean]>): Record<string, ModelRights> {
  const rights: Record<string, ModelRights> = {};
  for (const model of Object.keys(acl).sort()) {
    const [read, write, create, unlink] = acl[model]!;
    rights[model] = { read, write, create, unlink };
  }
  return rights;
}
