import { OdooError, accessError, valueError } from '../../errors.ts';
import type { UserAccess } from '../access-policy.ts';
import { pyRepr } from '../domain/python-repr.ts';
import { PYTHON_FIELD_FACTS } from '../registry/python-field-facts.generated.ts';
import { relatedTarget } from '../registry/related-field-target.ts';
import { PYTHON_FIELD_GROUPS } from '../registry/python-field-groups.generated.ts';
import { translated, type FieldInfo, type ModelInfo, type Registry, type Translations } from '../registry/types.ts';
import type { Queryable } from '../sql/execute.ts';
import type { FicusUserAccess } from './access-policy.ts';
import type { GroupLabel } from './access-tables.ts';
import { withoutAllFieldsExclusions } from './all-fields-exclusions.ts';
import { loadUserFacts } from './user-facts.ts';

/**
 * Field-level access rights: Odoo's `groups=` on fields (odoo/fields.py `is_accessible`,
 * odoo/models.py `check_field_access_rights`, Odoo 18).
 *
 * Where the groups come from: Odoo 18 keeps them in Python only (`ir_model_fields_group_rel`
 * is an empty "CLEANME unimplemented field"), so scripts/extract-python-field-groups.py reads
 * them from the installed modules' sources into registry/python-field-groups.generated.ts.
 * A field's groups are its definitions' merged `groups=` (the last installed definer wins, a
 * mixin's apply to the models inheriting it); a related or `_inherits` field that sets none
 * takes its target's (`setup_related` copies `_related_groups`).
 *
 * Who passes: the superuser (`env.su`) always; `'.'` (fields.NO_ACCESS) nobody else; otherwise
 * `user.has_groups(groups)`: no `!group` the user is in, and one of the positive groups if any.
 *
 * Where Odoo checks, and so where Ficus does (each call site names this file):
 * - `read`, `search_read`, `web_read` (each nested level), `web_search_read`, `search_fetch`:
 *   the named fields, before anything else is read; with no field list, the inaccessible
 *   fields are silently left out (`check_field_access_rights` with no names);
 * - `fields_get` leaves them out;
 * - `write` (after the write access check), and `create` only through the `_inherits` parent
 *   it writes (Odoo 18's create itself checks no field);
 * - `copy` reads every copied field (`copy_data` → `_fetch_field`): the first inaccessible one fails;
 * - domains, orders and read_group terms check each stored field turned into SQL
 *   (`_field_to_sql`), as the user, never inside record rules or sudo sub-searches
 *   (orm/domain/field-read-checks.ts).
 */

export type FieldOperation = 'read' | 'write' | 'create' | 'unlink';

/** The checks one call runs with, built once per call (see `fieldAccessFor`). */
export interface FieldAccess {
  /** `field.is_accessible(env)`. */
  accessible(model: ModelInfo, field: FieldInfo): boolean;
  /**
   * `check_field_access_rights(operation, names)` on records `ids` (empty: the model): Odoo's
   * AccessError naming every inaccessible field, in the order given. Unknown names pass
   * ("they will not be read and nothing will be written to them").
   */
  check(model: ModelInfo, operation: FieldOperation, names: Iterable<unknown>, ids?: readonly number[]): void;
  /** `check_field_access_rights` with no names: the fields of `names` the user may read, in order, without those the model's override leaves out (all-fields-exclusions.ts). */
  accessibleOnly(model: ModelInfo, names: readonly string[]): string[];
}

/** `sudo()`: every field accessible. */
export const SUDO_FIELD_ACCESS: FieldAccess = {
  accessible: () => true,
  check() {},
  accessibleOnly: (model, names) => withoutAllFieldsExclusions(model, names),
};

// ---------------------------------------------------------------------------------------------
// Which groups a field has

const groupsCache = new WeakMap<Registry, Map<string, string | null>>();

/** `model` and its `_inherit` ancestors (mixins), nearest first. */
function lineage(model: string): string[] {
  const out = [model];
  for (let i = 0; i < out.length; i++) for (const p of PYTHON_FIELD_FACTS.inherits[out[i]!] ?? []) if (!out.includes(p)) out.push(p);
  return out;
}

/**
 * The `groups=` a field's own definitions set, as installed: `undefined` when none sets it
 * (then a related field takes its target's), `null` when set to None/False.
 */
function declaredGroups(registry: Registry, model: string, field: string): string | null | undefined {
  for (const owner of lineage(model)) {
    const installed = (PYTHON_FIELD_GROUPS[owner]?.[field] ?? []).filter((e) => registry.modules.has(e.module));
    if (!installed.length) continue;
    const last = installed[installed.length - 1]!;
    // A redefinition of another type cleared what earlier ones set (fields.py _get_attrs).
    return 'groups' in last ? last.groups ?? null : undefined;
  }
  return undefined;
}

/** The field a related / `_inherits` field reads (registry/related-field-target.ts). */
export { relatedTarget };

/** The effective `groups` of `field` (comma-separated xml ids, `'.'` for nobody), or null when everyone may access it. */
export function fieldGroups(registry: Registry, model: ModelInfo, field: FieldInfo, depth = 0): string | null {
  let cache = groupsCache.get(registry);
  if (!cache) groupsCache.set(registry, (cache = new Map()));
  const key = `${model.name}.${field.name}`;
  if (cache.has(key)) return cache.get(key)!;
  let groups = declaredGroups(registry, model.name, field.name);
  if (groups === undefined) {
    const target = depth < 16 ? relatedTarget(registry, model, field) : null;
    groups = target && target.field !== field ? fieldGroups(registry, target.model, target.field, depth + 1) : null;
  }
  cache.set(key, groups || null);
  return groups || null;
}

// ---------------------------------------------------------------------------------------------
// Who may access them

interface GroupCatalog {
  /** `module.name` → res.groups id. */
  readonly ids: ReadonlyMap<string, number>;
  /** id → `display_name` parts (category, name), for the debug part of the message. */
  readonly labels: ReadonlyMap<number, GroupLabel>;
}

/**
 * The groups' xml ids and names: those of the access tables the policy loaded for this call
 * (access-tables.ts), as fresh as its rules and the user's groups, reloaded with them when the
 * database announces a change (or after the policy's short TTL while it cannot); read here only
 * for an access that carries none (not the database policy's), every time.
 */
async function groupCatalog(db: Queryable, access: UserAccess): Promise<GroupCatalog> {
  const ficus = access as Partial<FicusUserAccess>;
  if (ficus.groupIds && ficus.groupLabels) return { ids: ficus.groupIds, labels: ficus.groupLabels };
  const r = await db.query<{ id: number; xmlid: string | null; name: unknown; category: unknown }>(
    `SELECT g.id, d.module || '.' || d.name AS xmlid, to_jsonb(g.name) AS name, to_jsonb(c.name) AS category
       FROM res_groups g
  LEFT JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = g.id
  LEFT JOIN ir_module_category c ON c.id = g.category_id`,
  );
  const ids = new Map<string, number>();
  const labels = new Map<number, GroupLabel>();
  for (const row of r.rows) {
    if (row.xmlid) ids.set(row.xmlid, row.id);
    labels.set(row.id, { category: asTranslations(row.category), name: asTranslations(row.name) ?? {} });
  }
  return { ids, labels };
}

function asTranslations(value: unknown): Translations | null {
  if (value && typeof value === 'object') return value as Translations;
  if (typeof value === 'string') return { en_US: value };
  return null;
}

/**
 * `res.users.has_groups(spec)`. `base.group_no_one` counts only in debug mode, which RPC
 * calls never are (`has_group` asks `request.session.debug`).
 */
export function hasGroups(spec: string, memberOf: (xmlid: string) => boolean): boolean {
  if (spec === '.') return false;
  const positives: string[] = [];
  const negatives: string[] = [];
  for (const raw of spec.split(',')) {
    const xmlid = raw.trim();
    if (xmlid.startsWith('!')) negatives.push(xmlid.slice(1));
    else positives.push(xmlid);
  }
  const hasGroup = (xmlid: string) => xmlid !== 'base.group_no_one' && memberOf(xmlid);
  if (negatives.some(hasGroup)) return false;
  if (positives.some(hasGroup)) return true;
  return !positives.length;
}

/**
 * `res.users.SELF_READABLE_FIELDS` by defining module (base, and the installed modules that
 * extend it): a user checking only these on their own record checks as superuser.
 */
const SELF_READABLE: Readonly<Record<string, readonly string[]>> = {
  base: [
    'signature', 'company_id', 'login', 'email', 'name', 'image_1920', 'image_1024', 'image_512', 'image_256', 'image_128',
    'lang', 'tz', 'tz_offset', 'groups_id', 'partner_id', 'write_date', 'action_id', 'avatar_1920', 'avatar_1024',
    'avatar_512', 'avatar_256', 'avatar_128', 'share', 'device_ids',
  ],
  mail: ['notification_type'],
  mail_bot: ['odoobot_state'],
  auth_totp: ['totp_enabled', 'totp_trusted_device_ids'],
  auth_passkey: ['auth_passkey_key_ids'],
  im_livechat: ['livechat_username', 'livechat_lang_ids', 'has_access_livechat'],
  website_profile: ['karma'],
};

/** res.users `check_field_access_rights`: only self-readable names (or `context_*`) on exactly the user's own record. */
function selfReadable(registry: Registry, model: ModelInfo, uid: number, names: readonly unknown[], ids: readonly number[]): boolean {
  if (model.name !== 'res.users' || !names.length || !ids.length || ids.some((id) => id !== uid)) return false;
  const readable = new Set(Object.entries(SELF_READABLE).flatMap(([module, fields]) => (registry.modules.has(module) ? fields : [])));
  return names.every((n) => typeof n === 'string' && (readable.has(n) || n.startsWith('context_')));
}

/** The user's field checks for one call: sudo for the superuser, else from their groups. */
export async function fieldAccessFor(db: Queryable, registry: Registry, access: UserAccess, lang: string): Promise<FieldAccess> {
  if (access.superuser) return SUDO_FIELD_ACCESS;
  const user = (access as Partial<FicusUserAccess>).user ?? (await loadUserFacts(db, access.uid));
  const groupIds = user?.groupIds ?? new Set<number>();
  const catalog = await groupCatalog(db, access);
  const memberOf = (xmlid: string) => {
    const id = catalog.ids.get(xmlid);
    return id !== undefined && groupIds.has(id);
  };
  const verdicts = new Map<string, boolean>();
  const accessible = (model: ModelInfo, field: FieldInfo): boolean => {
    const groups = fieldGroups(registry, model, field);
    if (!groups) return true;
    let verdict = verdicts.get(groups);
    if (verdict === undefined) verdicts.set(groups, (verdict = hasGroups(groups, memberOf)));
    return verdict;
  };
  return {
    accessible,
    accessibleOnly: (model, names) => withoutAllFieldsExclusions(model, names).filter((name) => {
      const field = model.fields.get(name);
      return !field || accessible(model, field);
    }),
    check(model, operation, names, ids = []) {
      const list = [...names];
      if (selfReadable(registry, model, access.uid, list, ids)) return;
      const invalid = list.filter((n): n is string => typeof n === 'string' && model.fields.has(n) && !accessible(model, model.fields.get(n)!));
      if (!invalid.length) return;
      // Debug details go to members of base.group_no_one (`_has_group`: no debug session needed).
      const debug = memberOf('base.group_no_one') ? { uid: access.uid, registry, catalog } : null;
      throw fieldAccessError(model, operation, invalid, lang, debug);
    },
  };
}

/** The AccessError of `check_field_access_rights` (models.py, Odoo 18), with its debug part for technical users. */
function fieldAccessError(
  model: ModelInfo,
  operation: FieldOperation,
  invalid: readonly string[],
  lang: string,
  debug: { uid: number; registry: Registry; catalog: GroupCatalog } | null,
): OdooError {
  let message =
    `You do not have enough rights to access the fields "${invalid.join(',')}" on ${translated(model.description, lang) || model.name} (${model.name}). ` +
    `Please contact your system administrator.\n\nOperation: ${operation}`;
  if (debug) {
    const describeGroups = (name: string) => {
      const groups = fieldGroups(debug.registry, model, model.fields.get(name)!)!;
      if (groups === '.') return 'always forbidden';
      // `self.env.ref(g)` on each comma-separated part as written: a `!group`, an unknown xml id or
      // one whose group was deleted (ir_model_data still names it) is a ValueError.
      const ids = [...new Set(groups.split(',').map((xmlid) => {
        const id = debug.catalog.ids.get(xmlid);
        if (id === undefined) throw valueError(`External ID not found in the system: ${xmlid}`);
        if (!debug.catalog.labels.has(id)) throw valueError(`No record found for unique ID ${xmlid}. It may have been deleted.`);
        return id;
      }))].sort((a, b) => a - b);
      const names = ids.map((id) => {
        const label = debug.catalog.labels.get(id)!;
        const category = label.category ? translated(label.category, lang) : '';
        const name = translated(label.name, lang);
        return pyRepr(category ? `${category} / ${name}` : name);
      });
      return `allowed for groups ${names.join(', ')}`;
    };
    const lines = [...invalid].sort().map((name) => `- ${name} (${describeGroups(name)})`);
    message += `\nUser: ${debug.uid}\nFields:\n${lines.join('\n')}`;
  }
  return accessError(message);
}
