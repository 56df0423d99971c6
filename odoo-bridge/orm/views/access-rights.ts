import type { CallContext } from '../call-context.ts';
import type { GroupMarks } from './postprocess.ts';
import { addNext, detach, getAttr, iterElements, removeAttr, setAttr, type XmlElement } from './xml-tree.ts';

/**
 * ir_ui_view.py `_postprocess_access_rights`: what one user sees of a post-processed view. Nodes
 * restricted to groups the user is not in go (a `<t>` left without attributes is unwrapped into
 * its parent); where `model_access_rights` was marked, many2one/many2many fields say whether the
 * user may create and write their comodel, and the view root (and a kanban's group-by model) gets
 * `create`/`delete`/`edit="False"` for what the user's ACL refuses.
 */
export function applyAccessRights(ctx: CallContext, tree: XmlElement, marks: GroupMarks, userGroups: ReadonlySet<number>): void {
  const marked = [...iterElements(tree)].filter((node) => marks.has(node));
  const decided = new Map<string, boolean>();
  for (const node of marked) {
    const groups = marks.get(node)!;
    let allowed = decided.get(groups.key);
    if (allowed === undefined) decided.set(groups.key, (allowed = groups.matches(userGroups)));
    if (!allowed) {
      // lxml's remove: the node leaves with its tail.
      detach(node);
    } else if (node.tag === 't' && !node.attrs.length && node.parent) {
      // Each child goes right after the <t> (the <t>'s tail ends up after the last child's own,
      // xml-tree.ts addNext); the <t>'s text is dropped with it.
      for (const child of [...node.children].reverse()) addNext(node, child);
      detach(node);
    }
  }
  const has = (model: string, mode: 'create' | 'write' | 'unlink') => {
    const info = ctx.registry.model(model);
    return !!info && ctx.access.hasModel(info, mode);
  };
  for (const node of [...iterElements(tree)].filter((n) => getAttr(n, 'model_access_rights') !== undefined)) {
    const model = removeAttr(node, 'model_access_rights')!;
    if (node.tag === 'field') {
      setAttr(node, 'can_create', has(model, 'create') ? 'True' : 'False');
      setAttr(node, 'can_write', has(model, 'write') ? 'True' : 'False');
      continue;
    }
    for (const [action, operation] of [['create', 'create'], ['delete', 'unlink'], ['edit', 'write']] as const) {
      if (!getAttr(node, action) && !has(model, operation)) setAttr(node, action, 'False');
    }
    if (node.tag === 'kanban') {
      const groupBy = ctx.registry.model(model)?.fields.get(getAttr(node, 'default_group_by') ?? '');
      if (groupBy?.type === 'many2one' && groupBy.relation) {
        for (const [action, operation] of [['group_create', 'create'], ['group_delete', 'unlink'], ['group_edit', 'write']] as const) {
          if (!getAttr(node, action) && !has(groupBy.relation, operation)) setAttr(node, action, 'False');
        }
      }
    }
  }
}
