import { missingBehaviour, validationError } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import { expressionFieldNames, ExpressionSyntaxError } from './expression-names.ts';
import type { GroupSet } from './group-sets.ts';
import { NameManager, type FieldUse } from './name-manager.ts';
import type { ViewEnv } from './view-env.ts';
import { append, elementChildren, getAttr, removeAttr, setAttr, element, type XmlElement } from './xml-tree.ts';
import { pyRepr } from '../domain/python-repr.ts';

/**
 * ir_ui_view.py `_postprocess_view`: one pass over a combined arch that records the fields each
 * (sub)view shows and the fields its expressions read (NameManager), embeds the default list
 * view of visible x2many fields of a form, marks nodes restricted to groups, appends the fields
 * expressions need but the view lacks (`_add_missing_fields`), flags `on_change="1"` on fields
 * that trigger an onchange, and marks where create/write rights apply (`model_access_rights`).
 * The user-specific part (`_postprocess_access_rights`) is access-rights.ts.
 */

const VIEW_MODIFIERS = new Set(['column_invisible', 'invisible', 'readonly', 'required']);
/** ir.ui.view `type` selection (modules add theirs: mail's `activity`…): a node with one of these tags is a (sub)view. */
function viewTypes(env: ViewEnv): ReadonlySet<string> {
  const selection = env.ctx.registry.model('ir.ui.view')?.fields.get('type')?.selection;
  return new Set(selection ? selection.map(([key]) => key) : ['list', 'form', 'graph', 'pivot', 'calendar', 'kanban', 'search', 'qweb']);
}

interface NodeInfo {
  viewType: string;
  mobile: boolean;
  modelGroups: GroupSet;
  viewGroups: GroupSet;
  editable: boolean;
  nameManager: NameManager;
  /** Set when a postprocessor handled the node's children itself. */
  children?: XmlElement[];
}

export interface PostprocessResult {
  nameManager: NameManager;
}

/** Groups each marked node is restricted to (Odoo's `__groups_key__` attribute, kept aside). */
export type GroupMarks = Map<XmlElement, GroupSet>;

function namesOf(expression: string, view: ViewEnv): Set<string> {
  try {
    return expressionFieldNames(expression);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw validationError(`Invalid expression in view of ${view.rootModel}: ${expression}`);
    throw error;
  }
}

export async function postprocessView(
  env: ViewEnv,
  root: XmlElement,
  modelName: string,
  marks: GroupMarks,
  editableIn = true,
  parentInfo?: NodeInfo,
): Promise<NameManager> {
  const model = env.ctx.registry.model(modelName);
  if (!model) throw validationError(`Model not found: ${modelName}`);
  const defs = env.groups;
  const types = viewTypes(env);
  let modelGroups = parentInfo ? parentInfo.modelGroups : defs.universe;
  const viewGroups = parentInfo ? parentInfo.viewGroups : defs.universe;
  modelGroups = modelGroups.and(await env.accessGroups(model));
  const nameManager = new NameManager(model, parentInfo?.nameManager ?? null, modelGroups, defs, await env.fieldInfo(model), (name) => env.fieldGroups(model, name));
  const rootInfo: NodeInfo = {
    viewType: root.tag,
    mobile: env.mobile,
    modelGroups,
    viewGroups,
    editable: editableIn && editableNode(root, model, types),
    nameManager,
  };
  const stack: Array<[XmlElement, GroupSet, boolean]> = [[root, viewGroups, editableIn]];
  while (stack.length) {
    const [node, groups, editable] = stack.pop()!;
    const hadParent = node.parent !== null;
    const info: NodeInfo = { ...rootInfo, viewGroups: groups, editable: editable && editableNode(node, model, types) };
    delete info.children;
    const nodeGroups = getAttr(node, 'groups');
    if (nodeGroups) info.viewGroups = info.viewGroups.and(defs.parse(nodeGroups));
    await postprocessTag(env, node, nameManager, info, marks);
    if (hadParent && node.parent === null) continue;
    const children = info.children ?? elementChildren(node);
    for (const child of [...children].reverse()) stack.push([child, info.viewGroups, info.editable]);
    if (nodeGroups || rootInfo.modelGroups.key !== info.modelGroups.key) marks.set(node, info.modelGroups.and(info.viewGroups));
    postprocessAttributes(env, node, nameManager, info);
  }
  addMissingFields(root, nameManager, marks);
  // `model_access_rights` on the root: create/delete/edit are decided per user (access-rights.ts).
  setAttr(root, 'model_access_rights', model.name);
  if (['form', 'list', 'kanban'].includes(root.tag)) await postprocessOnChange(env, root, model);
  return nameManager;
}

function editableNode(node: XmlElement, model: ModelInfo, types: ReadonlySet<string>): boolean {
  switch (node.tag) {
    case 'form':
      return true;
    case 'list':
      return !!(getAttr(node, 'editable') || getAttr(node, 'multi_edit'));
    case 'field': {
      const field = model.fields.get(getAttr(node, 'name') ?? '');
      const readonly = getAttr(node, 'readonly');
      return !field || (!field.readonly && readonly !== '1' && readonly !== 'True');
    }
    default:
      return !types.has(node.tag);
  }
}

async function postprocessTag(env: ViewEnv, node: XmlElement, nm: NameManager, info: NodeInfo, marks: GroupMarks): Promise<void> {
  switch (node.tag) {
    case 'field':
      return postprocessField(env, node, nm, info, marks);
    case 'form':
    case 'list':
      return postprocessFormHeader(env, node, nm);
    case 'groupby': {
      const field = nm.model.fields.get(getAttr(node, 'name') ?? '');
      if (!field?.relation) return;
      info.children = [];
      await postprocessView(env, node, field.relation, marks, false, info);
      nm.hasField(getAttr(node, 'name')!, info.modelGroups, info.viewGroups, undefined);
      return;
    }
    case 'label': {
      const field = nm.model.fields.get(getAttr(node, 'for') ?? '');
      const groups = field ? env.fieldGroups(nm.model, field.name) : null;
      if (groups) info.modelGroups = info.modelGroups.and(env.groups.parse(groups));
      return;
    }
    case 'search': {
      const panel = elementChildren(node).find((child) => child.tag === 'searchpanel');
      if (panel) {
        await postprocessView(env, panel, nm.model.name, marks, false, info);
        info.children = elementChildren(node).filter((child) => child.tag !== 'searchpanel');
      }
      return;
    }
    case 'calendar': {
      for (const attribute of ['date_start', 'date_delay', 'date_stop', 'color', 'all_day']) {
        const names = getAttr(node, attribute);
        if (names) nm.hasField(names.split('.', 1)[0]!, info.modelGroups, info.viewGroups, undefined);
      }
      for (const child of elementChildren(node)) if (child.tag === 'filter') nm.hasField(getAttr(child, 'name') ?? 'None', info.modelGroups, info.viewGroups, undefined);
      return;
    }
    default:
      return;
  }
}

/** `view_header_get` of the installed overrides that change a form or list title from the context. */
function postprocessFormHeader(env: ViewEnv, _node: XmlElement, nm: NameManager): void {
  const context = env.ctx.context;
  const byContext: Record<string, string> = { 'res.partner': 'category_id', 'product.product': 'categ_id', 'product.template': 'categ_id', 'account.analytic.line': 'account_id' };
  const key = byContext[nm.model.name];
  if (key && context[key]) throw missingBehaviour(nm.model.name, `view_header_get (a view title from context.${key})`);
}

async function postprocessField(env: ViewEnv, node: XmlElement, nm: NameManager, info: NodeInfo, marks: GroupMarks): Promise<void> {
  const name = getAttr(node, 'name');
  if (!name) return;
  const field = nm.model.fields.get(name);
  if (field) {
    const groups = env.fieldGroups(nm.model, name);
    if (groups) info.modelGroups = info.modelGroups.and(env.groups.parse(groups));
    const invisible = getAttr(node, 'invisible');
    if (info.viewType === 'form' && (field.type === 'one2many' || field.type === 'many2many') && !getAttr(node, 'widget') && invisible !== '1' && invisible !== 'True' && !nm.parent) {
      for (const arch of await x2manyMissingViewArchs(env, field.relation!, node, info)) append(node, arch);
    }
    if (field.relation && (field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many')) {
      let domain: unknown = getAttr(node, 'domain');
      if (!domain && info.editable) domain = await env.fieldDomain(nm.model, field);
      if (typeof domain === 'string' && domain) nm.mustHaveFields(node, namesOf(domain, env), info.modelGroups, info.viewGroups, ['domain', domain]);
    }
    const context = getAttr(node, 'context');
    if (context) nm.mustHaveFields(node, namesOf(context, env), info.modelGroups, info.viewGroups, ['context', context]);
    for (const child of elementChildren(node)) {
      if (['form', 'list', 'graph', 'kanban', 'calendar'].includes(child.tag)) {
        info.children = [];
        await postprocessView(env, child, field.relation!, marks, info.editable, info);
      }
    }
    if (info.editable && (field.type === 'many2one' || field.type === 'many2many')) setAttr(node, 'model_access_rights', field.relation!);
  }
  nm.hasField(name, info.modelGroups, info.viewGroups, getAttr(node, 'id'));
}

/** `_get_x2many_missing_view_archs`: the comodel's list (or `mode`'s first type) when the field node embeds none. */
async function x2manyMissingViewArchs(env: ViewEnv, comodel: string, node: XmlElement, info: NodeInfo): Promise<XmlElement[]> {
  const present = elementChildren(node).filter((child) => hasFieldDescendant(child)).map((child) => child.tag);
  const mode = getAttr(node, 'mode');
  const wanted = (mode ?? 'kanban,list').split(',');
  if (wanted.some((type) => present.includes(type))) return [];
  const viewType = (mode ?? (info.mobile ? 'kanban' : 'list')).split(',')[0]!;
  const refs = viewRefs(getAttr(node, 'context'));
  return [await env.combinedViewArch(comodel, viewType, refs[`${viewType}_view_ref`] ?? null)];
}

function hasFieldDescendant(node: XmlElement): boolean {
  return elementChildren(node).some((child) => child.tag === 'field' || hasFieldDescendant(child));
}

/** ir_ui_view.py `ref_re`: the `<type>_view_ref` keys a field's context names. */
export function viewRefs(context: string | undefined): Record<string, string> {
  const refs: Record<string, string> = {};
  if (!context) return refs;
  for (const m of context.matchAll(/(['"])(\w+_view_ref)\1\s*:\s*(['"])([.\w]+)\3/g)) refs[m[2]!] = m[4]!;
  return refs;
}

function postprocessAttributes(env: ViewEnv, node: XmlElement, nm: NameManager, info: NodeInfo): void {
  for (const [attribute, expression] of [...node.attrs]) {
    if (VIEW_MODIFIERS.has(attribute) || attribute.startsWith('decoration-')) {
      nm.mustHaveFields(node, namesOf(expression, env), info.modelGroups, info.viewGroups, [attribute, expression] as FieldUse);
    } else if (attribute === 'groups') removeAttr(node, 'groups');
  }
}

/** `_add_missing_fields`: a hidden, readonly field node for each field an expression reads and some users lack. */
function addMissingFields(root: XmlElement, nm: NameManager, marks: GroupMarks): void {
  for (const [name, { groups, uses }] of nm.missingFields()) {
    if (!nm.fieldInfo.has(name)) continue;
    let entry = nm.availableFields.get(name);
    if (!entry) nm.availableFields.set(name, (entry = { groups: [] }));
    if (groups !== false) entry.groups.push(groups);
    nm.availableNames.add(name);
    const usedBy = uses.map(({ use: [attribute, expression], node }) => `${attribute}=${pyRepr(expression)} (${node.tag},${getAttr(node, 'name') ?? 'None'})`).join('; ');
    const item = element('field', [
      ['name', name],
      [root.tag !== 'list' ? 'invisible' : 'column_invisible', 'True'],
      ['readonly', 'True'],
      ['data-used-by', usedBy],
    ]);
    if (groups !== false) {
      const subset = groups.invertIntersect(nm.modelGroups) ?? groups;
      if (!subset.isUniversal()) marks.set(item, subset);
    }
    item.tail = '\n';
    append(root, item);
  }
}

/** `_postprocess_on_change`: `on_change="1"` on the fields whose change recomputes another field of the view, or runs an @api.onchange. */
async function postprocessOnChange(env: ViewEnv, arch: XmlElement, model: ModelInfo): Promise<void> {
  const fieldNodes = new Map<string, { model: ModelInfo; name: string; nodes: XmlElement[] }>();
  const collect = (node: XmlElement, current: ModelInfo) => {
    let next = current;
    if (node.tag === 'field') {
      const name = getAttr(node, 'name') ?? '';
      const field = current.fields.get(name);
      if (field) {
        const key = `${current.name}.${name}`;
        let entry = fieldNodes.get(key);
        if (!entry) fieldNodes.set(key, (entry = { model: current, name, nodes: [] }));
        entry.nodes.push(node);
        if (field.relation && (field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many')) next = env.ctx.registry.model(field.relation) ?? current;
      }
    }
    for (const child of elementChildren(node)) collect(child, next);
  };
  collect(arch, model);
  const present = new Set(fieldNodes.keys());
  for (const { model: owner, name, nodes } of fieldNodes.values()) {
    if (!(await env.hasOnchange(owner, name, present))) continue;
    for (const node of nodes) if (!getAttr(node, 'on_change')) setAttr(node, 'on_change', '1');
  }
}
