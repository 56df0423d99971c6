import type { ModelInfo } from '../registry/types.ts';
import type { GroupDefinitions, GroupSet } from './group-sets.ts';
import type { XmlElement } from './xml-tree.ts';

/** Where an expression reads a field: the attribute (`invisible`, `domain`…) and its expression. */
export type FieldUse = readonly [attribute: string, expression: string];

interface Use {
  groups: GroupSet;
  use: FieldUse;
  node: XmlElement;
}

/**
 * The named elements of one (sub)view: ir_ui_view.py `NameManager`, as far as post-processing
 * needs it: the fields present (and for which groups), the fields expressions read (and for
 * which groups), and which of those are missing for some users.
 */
export class NameManager {
  readonly children: NameManager[] = [];
  /** field name → the groups of each node showing it; insertion order is Odoo's dict order. */
  readonly availableFields = new Map<string, { groups: GroupSet[] }>();
  readonly availableNames = new Set<string>();
  /** field name → (groups key → the last use for those groups), in first-use order. */
  readonly usedFields = new Map<string, Map<string, Use>>();
  private readonly fieldGroups = new Map<string, GroupSet>();

  constructor(
    readonly model: ModelInfo,
    readonly parent: NameManager | null,
    readonly modelGroups: GroupSet,
    private readonly definitions: GroupDefinitions,
    /** `fields_get()` names for the user (NameManager.field_info). */
    readonly fieldInfo: ReadonlySet<string>,
    /** The field's Python `groups=`, or null. */
    private readonly pythonGroups: (name: string) => string | null,
  ) {
    parent?.children.push(this);
  }

  hasField(name: string, modelGroups: GroupSet, viewGroups: GroupSet, id: string | undefined): void {
    let entry = this.availableFields.get(name);
    if (!entry) this.availableFields.set(name, (entry = { groups: [] }));
    this.fieldGroups.set(name, modelGroups);
    entry.groups.push(viewGroups);
    this.availableNames.add(id || name);
  }

  mustHaveFields(node: XmlElement, names: Iterable<string>, modelGroups: GroupSet, viewGroups: GroupSet, use: FieldUse): void {
    const access = modelGroups.and(viewGroups);
    for (const name of names) {
      if (name === 'id') continue;
      if (!name.startsWith('parent.')) {
        let uses = this.usedFields.get(name);
        if (!uses) this.usedFields.set(name, (uses = new Map()));
        const existing = uses.get(access.key);
        // A dict assignment: the key keeps its place, the value is the latest.
        if (existing) {
          existing.use = use;
          existing.node = node;
        } else uses.set(access.key, { groups: access, use, node });
      } else if (this.parent) this.parent.mustHaveFields(node, [name.slice(7)], modelGroups, viewGroups, use);
    }
  }

  private fieldGroupsOf(name: string): GroupSet {
    const known = this.fieldGroups.get(name);
    if (known) return known;
    let access = this.modelGroups;
    const field = this.model.fields.get(name);
    if (!field && !this.availableNames.has(name) && !this.fieldInfo.has(name)) access = this.definitions.empty;
    else if (field) {
      const groups = this.pythonGroups(name);
      if (groups) access = access.and(this.definitions.parse(groups));
    }
    this.fieldGroups.set(name, access);
    return access;
  }

  /** `get_missing_fields()`: name → (missing groups, or false when no node can help; the uses). */
  missingFields(): Map<string, { groups: GroupSet | false; uses: Use[] }> {
    const missing = new Map<string, { groups: GroupSet | false; uses: Use[] }>();
    for (const [name, uses] of this.usedFields) {
      const errors: Use[] = [];
      const used: Use[] = [];
      const available = this.availableFields.get(name);
      for (const use of uses.values()) {
        if (use.groups.isEmpty()) {
          if (!available?.groups.length) used.push(use);
          continue;
        }
        if (!use.groups.le(this.fieldGroupsOf(name))) {
          errors.push(use);
          continue;
        }
        let combined = this.definitions.empty;
        for (const groups of available?.groups ?? []) combined = combined.or(groups);
        if (!use.groups.le(combined)) used.push(use);
      }
      if (errors.length) {
        missing.set(name, { groups: false, uses: errors });
        continue;
      }
      if (!used.length) continue;
      let groups = this.definitions.empty;
      for (const use of used) groups = groups.or(use.groups);
      missing.set(name, { groups, uses: used });
    }
    return missing;
  }
}
