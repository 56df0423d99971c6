import type { AccessMode } from '../access-policy.ts';
import type { Translations } from '../registry/types.ts';
import type { Queryable } from '../sql/execute.ts';
import { declaredRecordRules, type DeclaredRecordRule } from './declared-rules.ts';

export const ACCESS_MODES: readonly AccessMode[] = ['read', 'write', 'create', 'unlink'];

/** One mode of one model in `ir_model_access`: who is granted, and how the error lists them. */
export interface ModelGrant {
  /** An active row with `group_id IS NULL` grants the mode to every user. */
  everyone: boolean;
  groups: Set<number>;
  /** `group_names_with_access` rows, in Odoo's order (category name, group name). */
  groupLabels: Array<{ category: Translations | null; group: Translations }>;
}

/** A group's `display_name` parts: category and name. */
export interface GroupLabel {
  readonly category: Translations | null;
  readonly name: Translations;
}

export interface RuleRow {
  readonly id: number;
  readonly name: string;
  readonly model: string;
  readonly domainForce: string | null;
  readonly modes: ReadonlySet<AccessMode>;
  /** Empty for global rules. */
  readonly groups: readonly number[];
}

/**
 * The database-wide access tables, loaded together (three queries) and shared by every user
 * of the database until they expire or a write to them invalidates them.
 */
export interface AccessTables {
  grants: Map<string, Map<AccessMode, ModelGrant>>;
  rules: Map<string, RuleRow[]>;
  /** `ir_model.name` per model, for the messages' "'Contact' (res.partner)". */
  modelNames: Map<string, Translations>;
  /**
   * Every group's xml id (`module.name` in ir_model_data) and its id: `has_group` answers from it
   * (user-in-group.ts) instead of looking the xml id up on each call, which on a service
   * database's copy of ir_model_data (no index but its key) was a scan of the table per check.
   */
  groupIds: ReadonlyMap<string, number>;
  /** Every group's `display_name` parts by id, for field-groups.ts' AccessError (its debug part). */
  groupLabels: ReadonlyMap<number, GroupLabel>;
  /** Group ids of a few xml ids the messages depend on. */
  groupNoOne: number | null;
  /** `base.group_system` (Settings): `env.is_system()`, which ir.attachment's access check asks. */
  groupSystem: number | null;
}

export async function loadAccessTables(db: Queryable): Promise<AccessTables> {
  const declared = declaredRecordRules();
  const [access, rules, models, groups] = await Promise.all([
    // Odoo orders the group list by the jsonb names themselves (ORDER BY c.name, g.name).
    db.query<{
      model: string; group_id: number | null; perm_read: boolean; perm_write: boolean; perm_create: boolean; perm_unlink: boolean;
      category: unknown; group_name: unknown;
    }>(
      `SELECT m.model, a.group_id, COALESCE(a.perm_read, false) AS perm_read, COALESCE(a.perm_write, false) AS perm_write,
              COALESCE(a.perm_create, false) AS perm_create, COALESCE(a.perm_unlink, false) AS perm_unlink,
              to_jsonb(c.name) AS category, to_jsonb(g.name) AS group_name
         FROM ir_model_access a
         JOIN ir_model m ON m.id = a.model_id
    LEFT JOIN res_groups g ON g.id = a.group_id
    LEFT JOIN ir_module_category c ON c.id = g.category_id
        WHERE a.active
        ORDER BY c.name, g.name NULLS LAST`,
    ),
    db.query<{
      id: number; name: string | null; model: string; domain_force: string | null;
      perm_read: boolean; perm_write: boolean; perm_create: boolean; perm_unlink: boolean; groups: number[] | null;
    }>(
      `SELECT r.id, r.name, m.model, r.domain_force, COALESCE(r.perm_read, true) AS perm_read,
              COALESCE(r.perm_write, true) AS perm_write, COALESCE(r.perm_create, true) AS perm_create,
              COALESCE(r.perm_unlink, true) AS perm_unlink,
              (SELECT array_agg(g.group_id ORDER BY g.group_id) FROM rule_group_rel g WHERE g.rule_group_id = r.id) AS groups
         FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
        WHERE r.active
        ORDER BY r.id`,
    ),
    db.query<{ model: string; name: unknown }>(`SELECT model, to_jsonb(name) AS name FROM ir_model`),
    groupsOf(db),
  ]);
  const groupIds = groups.ids;

  const grants = new Map<string, Map<AccessMode, ModelGrant>>();
  for (const row of access.rows) {
    let perModel = grants.get(row.model);
    if (!perModel) grants.set(row.model, (perModel = new Map()));
    for (const mode of ACCESS_MODES) {
      if (!row[`perm_${mode}`]) continue;
      let grant = perModel.get(mode);
      if (!grant) perModel.set(mode, (grant = { everyone: false, groups: new Set(), groupLabels: [] }));
      if (row.group_id == null) {
        grant.everyone = true;
      } else {
        grant.groups.add(row.group_id);
        grant.groupLabels.push({ category: asTranslations(row.category), group: asTranslations(row.group_name) ?? {} });
      }
    }
  }

  const ruleMap = new Map<string, RuleRow[]>();
  for (const row of rules.rows) {
    const modes = new Set<AccessMode>(ACCESS_MODES.filter((m) => row[`perm_${m}`]));
    let list = ruleMap.get(row.model);
    if (!list) ruleMap.set(row.model, (list = []));
    list.push({ id: row.id, name: row.name ?? '', model: row.model, domainForce: row.domain_force, modes, groups: row.groups ?? [] });
  }

  addDeclaredRules(ruleMap, declared, groupIds);

  return {
    grants,
    rules: ruleMap,
    modelNames: new Map(models.rows.map((r) => [r.model, asTranslations(r.name) ?? {}])),
    groupIds,
    groupLabels: groups.labels,
    groupNoOne: groupIds.get('base.group_no_one') ?? null,
    groupSystem: groupIds.get('base.group_system') ?? null,
  };
}

/**
 * Every group: its xml id (`module.name` in ir_model_data, a few hundred rows of its thousands)
 * and its name and category. One statement read with the other access tables: the declared
 * rules' groups, the messages', `is_system`'s and every `has_group` of a call come from the ids,
 * field-groups.ts' AccessError from the labels; both as fresh as the rest of the tables. An xml id
 * naming no existing group still counts (as ir_model_data says), as a group with no xml id does.
 */
async function groupsOf(db: Queryable): Promise<{ ids: Map<string, number>; labels: Map<number, GroupLabel> }> {
  const { rows } = await db.query<{ xml_id: string | null; res_id: number | null; id: number | null; name: unknown; category: unknown }>(
    `SELECT d.xml_id, d.res_id, g.id, to_jsonb(g.name) AS name, to_jsonb(c.name) AS category
       FROM (SELECT module || '.' || name AS xml_id, res_id FROM ir_model_data WHERE model = 'res.groups') d
  FULL JOIN res_groups g ON g.id = d.res_id
  LEFT JOIN ir_module_category c ON c.id = g.category_id`,
  );
  const ids = new Map<string, number>();
  const labels = new Map<number, GroupLabel>();
  for (const row of rows) {
    if (row.xml_id !== null && row.res_id !== null) ids.set(row.xml_id, row.res_id);
    if (row.id !== null) labels.set(row.id, { category: asTranslations(row.category), name: asTranslations(row.name) ?? {} });
  }
  return { ids, labels };
}

/**
 * The rules the code declares (declared-rules.ts), after the database's: negative ids, so they
 * never meet an `ir_rule` row's. A group this database does not have leaves the rule without it;
 * a group rule left with no group at all is dropped rather than turned into a global one.
 */
function addDeclaredRules(ruleMap: Map<string, RuleRow[]>, declared: readonly DeclaredRecordRule[], groupIds: ReadonlyMap<string, number>): void {
  declared.forEach((rule, index) => {
    const groups = rule.groups.map((xmlId) => groupIds.get(xmlId)).filter((id): id is number => id !== undefined).sort((a, b) => a - b);
    if (rule.groups.length && !groups.length) return;
    let list = ruleMap.get(rule.model);
    if (!list) ruleMap.set(rule.model, (list = []));
    list.push({ id: -(index + 1), name: rule.name, model: rule.model, domainForce: rule.domain, modes: new Set(rule.modes ?? ACCESS_MODES), groups });
  });
}

function asTranslations(value: unknown): Translations | null {
  if (value && typeof value === 'object') return value as Translations;
  if (typeof value === 'string') return { en_US: value };
  return null;
}
