/**
 * The SQL behind a user's permission summary, as Odoo itself computes each part:
 *
 * - groups: `res_groups_users_rel` closed over `res_groups_implied_rel` (what `trans_implied_ids`
 *   gives). Odoo ≤18 also writes every implied group into `res_groups_users_rel`, but the closure
 *   keeps a hand-edited database right, and is what the ORM engine's access policy uses too.
 * - acl: `ir.model.access._get_allowed_models(mode)`: active rows whose group is one of the
 *   user's or NULL (a global ACL applies to everyone), united per model; `env.su` (uid 1,
 *   `__system__`) passes `ir.model.access.check` for every model without reading the table.
 * - permission codes: `hp.permission` rows (`permissions`) linked through `permission_group_rel`
 *   to any of those groups.
 *
 * Every value travels as a bind parameter; only constant fragments are composed.
 */

/** Odoo's SUPERUSER_ID: `Environment(uid=1)` is `env.su`, every ACL check passes. */
export const SUPERUSER_ID = 1;

/**
 * `reach` walks from each group the user is a member of along implied groups and remembers which
 * membership row it started from. A group reached from any other group than itself is implied:
 * because Odoo ≤18 stores implied groups as membership rows as well, the row alone cannot tell a
 * direct grant from a materialised implication (`base.group_user` of every member has a row).
 * UNION (not UNION ALL) drops pairs already seen, so the walk ends even on an implication cycle.
 */
const GROUP_CLOSURE = `
  reach(gid, via) AS (
    SELECT gid, gid FROM res_groups_users_rel WHERE uid = $1
    UNION
    SELECT i.hid, r.via FROM res_groups_implied_rel i JOIN reach r ON r.gid = i.gid
  ),
  closure AS (SELECT gid, bool_or(via <> gid) AS implied FROM reach GROUP BY gid)`;

/**
 * Names are read in en_US, as `full_name` is for a user without another language. The xml id is
 * the first `ir_model_data` row by id, as `get_external_id()` picks it.
 */
const GROUPS_COLUMN = `
  (SELECT COALESCE(json_agg(json_build_object(
            'id', g.id,
            'name', COALESCE(g.name->>'en_US', ''),
            'category', c.name->>'en_US',
            'xmlid', (SELECT d.module || '.' || d.name FROM ir_model_data d
                       WHERE d.model = 'res.groups' AND d.res_id = g.id ORDER BY d.id LIMIT 1),
            'implied', cl.implied) ORDER BY g.id), '[]'::json)
     FROM closure cl
     JOIN res_groups g ON g.id = cl.gid
LEFT JOIN ir_module_category c ON c.id = g.category_id) AS groups`;

/**
 * Per model, [read, write, create, unlink]. Odoo's `WHERE a.perm_<mode> AND a.active` treats NULL
 * as false, hence IS TRUE. Models where every right is false are left out.
 */
const ACL_COLUMN = `
  (SELECT COALESCE(json_object_agg(acl.model, json_build_array(acl.r, acl.w, acl.c, acl.u)), '{}'::json)
     FROM (SELECT m.model, bool_or(a.perm_read IS TRUE) AS r, bool_or(a.perm_write IS TRUE) AS w,
                  bool_or(a.perm_create IS TRUE) AS c, bool_or(a.perm_unlink IS TRUE) AS u
             FROM ir_model_access a
             JOIN ir_model m ON m.id = a.model_id
            WHERE $1 <> $2 AND a.active IS TRUE
              AND (a.group_id IS NULL OR a.group_id IN (SELECT gid FROM closure))
            GROUP BY m.model
           HAVING bool_or(a.perm_read IS TRUE OR a.perm_write IS TRUE OR a.perm_create IS TRUE OR a.perm_unlink IS TRUE)
           UNION ALL
           SELECT m.model, true, true, true, true FROM ir_model m WHERE $1 = $2) acl) AS acl`;

/** Codes sorted bytewise (COLLATE "C"), so the order never depends on the database's locale. */
function codesOf(groupsFilter: string): string {
  return `
  SELECT COALESCE(array_agg(DISTINCT p.code COLLATE "C" ORDER BY p.code COLLATE "C"), '{}') AS codes
    FROM permissions p
    JOIN permission_group_rel r ON r.permission_id = p.id
   WHERE r.group_id ${groupsFilter}`;
}

/** One statement on the legacy database: the user, its groups, its ACL and, when asked, its codes. */
export function legacyStatement(options: { acl: boolean; codes: boolean }): string {
  return `WITH RECURSIVE ${GROUP_CLOSURE}
SELECT u.id, u.login, u.active IS TRUE AS active, u.hp_user_type, COALESCE(u.hp_level, 0) AS hp_level,
       ${GROUPS_COLUMN}
       ${options.acl ? `, ${ACL_COLUMN}` : ''}
       ${options.codes ? `, (${codesOf('IN (SELECT gid FROM closure)')}) AS codes` : ''}
  FROM res_users u
 WHERE u.id = $1`;
}

/** `legacyStatement`'s values: $1 the user, $2 the superuser id (used by the ACL column only). */
export function legacyValues(userId: number, options: { acl: boolean }): unknown[] {
  return options.acl ? [userId, SUPERUSER_ID] : [userId];
}

/** The codes on the database that holds `permissions` now, for groups computed on the legacy one. */
export const CODES_FOR_GROUPS = codesOf('= ANY($1::int4[])');

export interface LegacyRow {
  id: number;
  login: string;
  active: boolean;
  hp_user_type: string;
  hp_level: number;
  groups: Array<{ id: number; name: string; category: string | null; xmlid: string | null; implied: boolean }>;
  acl?: Record<string, [boolean, boolean, boolean, boolean]>;
  codes?: string[];
}
