import { sql } from 'kysely';
import { validationError } from '../../errors.ts';
import { run, type Queryable } from '../sql/execute.ts';
import {
  addNext,
  addPrevious,
  append,
  deepCopy,
  detach,
  element,
  getAttr,
  iterElements,
  parseXml,
  previousSibling,
  removeAttr,
  serialiseXml,
  setAttr,
  type XmlElement,
  type XmlNode,
} from './xml-tree.ts';
import { selectNodes, XPathUnsupported } from './xpath.ts';

/**
 * A view combined with the views that inherit from it, as ir_ui_view.py `_get_combined_arch`
 * and `_combine` build it, applying each inheriting view with template_inheritance.py
 * `apply_inheritance_specs` (xpath/field/any-tag specs; positions inside, after, before,
 * replace (outer/inner, `$0`), attributes (add/remove/separator, Python-expression separators),
 * and `position="move"` children).
 */
export interface ViewRow extends Record<string, unknown> {
  id: number;
  inherit_id: number | null;
  mode: string;
  model: string | null;
  arch: string;
}

/** `arch` as `_compute_arch` reads it: arch_db in the env's language, else en_US. */
const archIn = (lang: string) => sql<string>`COALESCE(arch_db->>${lang}, arch_db->>'en_US')`;

export async function loadView(db: Queryable, id: number, lang: string): Promise<ViewRow | undefined> {
  const rows = await run<ViewRow>(db, sql`SELECT id, inherit_id, mode, model, ${archIn(lang)} AS arch FROM ir_ui_view WHERE id = ${id}`);
  return rows[0];
}

/**
 * `_get_inheriting_views` of the view chain: the chain's views that are active, and, recursively,
 * active extension views of the same model inheriting from them, ordered by priority, id.
 */
async function inheritingViews(db: Queryable, chain: readonly number[], lang: string): Promise<ViewRow[]> {
  return run<ViewRow>(
    db,
    sql`WITH RECURSIVE inherits AS (
          SELECT id, inherit_id, priority, mode, model FROM ir_ui_view WHERE id = ANY(${[...chain]}::int4[]) AND active
          UNION
          SELECT v.id, v.inherit_id, v.priority, v.mode, v.model FROM ir_ui_view v
            JOIN inherits parent ON parent.id = v.inherit_id
           WHERE COALESCE(v.model, '') = COALESCE(parent.model, '') AND v.mode = 'extension' AND v.active
        )
        SELECT i.id, i.inherit_id, i.mode, i.model, ${archIn(lang)} AS arch
          FROM inherits i JOIN ir_ui_view v ON v.id = i.id
         ORDER BY i.priority, i.id`,
  );
}

/** `view._get_combined_arch()`: the root of the chain with every inheriting view applied. */
export async function combinedArch(db: Queryable, viewId: number, lang: string): Promise<XmlElement> {
  const chain: number[] = [];
  let root = await loadView(db, viewId, lang);
  if (!root) throw validationError(`View ${viewId} does not exist`);
  for (;;) {
    chain.push(root.id);
    if (!root.inherit_id || chain.includes(root.inherit_id)) break;
    const parent = await loadView(db, root.inherit_id, lang);
    if (!parent) break;
    root = parent;
  }
  const views = await inheritingViews(db, chain, lang);
  const hierarchy = new Map<number | null, ViewRow[]>();
  for (const view of views) {
    const list = hierarchy.get(view.inherit_id) ?? [];
    list.push(view);
    hierarchy.set(view.inherit_id, list);
  }
  let combined = parseXml(root.arch);
  // Extensions before primary children (a stable sort on `mode`), then depth first: an
  // extension's own children go to the front of the queue, primary ones to its end.
  const queue = [...(hierarchy.get(root.id) ?? [])].sort((a, b) => (a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0));
  while (queue.length) {
    const view = queue.shift()!;
    combined = applyInheritanceSpecs(combined, parseXml(view.arch), view);
    for (const child of [...(hierarchy.get(view.id) ?? [])].reverse()) {
      if (child.mode === 'primary') queue.push(child);
      else queue.unshift(child);
    }
  }
  return combined;
}

// ---------------------------------------------------------------------------------- specs

const RSTRIP = /\n[ \t]*$/;
const PYTHON_ATTRIBUTES = new Set(['readonly', 'required', 'invisible', 'column_invisible', 't-if', 't-elif']);

function viewError(message: string, view: ViewRow): never {
  // ir_ui_view.py `_raise_view_error`: a ValueError carrying the view's context.
  throw validationError(`${message}\n\nView error context:\n{'file': None,\n 'line': 1,\n 'name': ${view.id},\n 'view': ir.ui.view(${view.id},),\n 'view.model': '${view.model ?? ''}',\n 'view.parent': ir.ui.view(${view.inherit_id ?? ''},)}`);
}

/** template_inheritance.py `locate_node`. */
function locateNode(arch: XmlElement, spec: XmlElement): XmlElement | null {
  if (spec.tag === 'xpath') {
    const expr = getAttr(spec, 'expr') ?? '';
    let nodes: XmlElement[];
    try {
      nodes = selectNodes(arch, expr);
    } catch (error) {
      if (error instanceof XPathUnsupported) throw validationError(`Invalid Expression while parsing xpath “${expr}”`);
      throw error;
    }
    return nodes[0] ?? null;
  }
  if (spec.tag === 'field') {
    for (const node of iterElements(arch, 'field')) if (getAttr(node, 'name') === getAttr(spec, 'name')) return node;
    return null;
  }
  for (const node of iterElements(arch, spec.tag)) {
    if (spec.attrs.every(([key, value]) => key === 'position' || getAttr(node, key) === value)) return node;
  }
  return null;
}

/** Add `text` before `node` in its tree (template_inheritance.py `add_text_before`). */
function addTextBefore(node: XmlNode, text: string | null): void {
  if (text === null) return;
  const previous = previousSibling(node);
  if (previous) previous.tail = (previous.tail ?? '') + text;
  else {
    const parent = node.parent!;
    parent.text = (parent.text ?? '').trimEnd() + text;
  }
}

/** Remove `node` but not its tail (`remove_element`). */
function removeElement(node: XmlNode): void {
  addTextBefore(node, node.tail);
  node.tail = null;
  detach(node);
}

function rstripPythonWhitespace(value: string): string {
  return value.replace(/[\s]+$/u, '');
}

/** `add_stripped_items_before(node, spec, extract)`. */
function addStrippedItemsBefore(node: XmlNode, spec: XmlElement, extract: (spec: XmlElement) => XmlElement): void {
  const text = spec.text ?? '';
  let beforeText = '';
  const previous = previousSibling(node);
  if (!previous) {
    const parent = node.parent!;
    const match = parent.text ? RSTRIP.exec(parent.text) : null;
    beforeText = match ? match[0] : '';
    const fallback = spec.text === null ? null : '';
    const joined = rstripPythonWhitespace(parent.text ?? '') + text;
    parent.text = joined || fallback;
  } else {
    const match = previous.tail ? RSTRIP.exec(previous.tail) : null;
    beforeText = match ? match[0] : '';
    previous.tail = rstripPythonWhitespace(previous.tail ?? '') + text;
  }
  if (spec.children.length) {
    const lastChild = spec.children.at(-1)!;
    lastChild.tail = rstripPythonWhitespace(lastChild.tail ?? '') + beforeText;
  } else spec.text = rstripPythonWhitespace(spec.text ?? '') + beforeText;
  for (let child of [...spec.children]) {
    if (child.kind === 'element' && getAttr(child, 'position') === 'move') {
      const tail = child.tail;
      child = extract(child);
      child.tail = tail;
    }
    addPrevious(node, child);
  }
}

function pythonSplit(value: string, separator: string | null): string[] {
  return separator === null ? value.split(/\s+/).filter((s) => s !== '') : value.split(separator);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function applyAttributes(node: XmlElement, spec: XmlElement, view: ViewRow): void {
  for (const child of iterElements(spec, 'attribute')) {
    const unknown = child.attrs.map(([k]) => k).filter((k) => !['name', 'add', 'remove', 'separator'].includes(k) && !k.startsWith('data-oe-'));
    if (unknown.length) viewError(`Invalid attributes ${unknown.map((k) => `'${k}'`).join(', ')} in element <attribute>`, view);
    const attribute = getAttr(child, 'name') ?? '';
    let value: string;
    const add = getAttr(child, 'add') ?? '';
    const remove = getAttr(child, 'remove') ?? '';
    if (add || remove) {
      value = getAttr(node, attribute) ?? '';
      let separator = getAttr(child, 'separator') ?? null;
      if (PYTHON_ATTRIBUTES.has(attribute) || attribute.startsWith('decoration-')) {
        const sep = (separator ?? '').trim();
        if (sep !== 'and' && sep !== 'or') viewError(`Invalid separator '${sep}' for python expression '${attribute}'; valid values are 'and' and 'or'`, view);
        if (remove) {
          // Python's re.match(rf'^\(*{remove}\)*$', value): `remove` is a regular expression there.
          if (new RegExp(`^\\(*${remove}\\)*$`).test(value)) value = '';
          else {
            for (const pattern of [`(${remove}) ${sep} `, ` ${sep} (${remove})`, `${remove} ${sep} `, ` ${sep} ${remove}`]) {
              const index = value.indexOf(pattern);
              if (index !== -1) {
                value = value.slice(0, index) + value.slice(index + pattern.length);
                break;
              }
            }
          }
        }
        if (add) value = value ? `(${value}) ${sep} (${add})` : add;
      } else {
        if (separator === null) separator = ',';
        else if (separator === ' ') separator = null;
        const values = pythonSplit(value, separator).map((s) => s.trim());
        const toAdd = pythonSplit(add, separator).map((s) => s.trim()).filter(Boolean);
        const toRemove = new Set(pythonSplit(remove, separator).map((s) => s.trim()));
        value = [...values.filter((v) => v && !toRemove.has(v)), ...toAdd].join(separator ?? ' ');
      }
    } else value = child.text ?? '';
    if (value) setAttr(node, attribute, value);
    else removeAttr(node, attribute);
  }
  void escapeRegExp;
}

/** template_inheritance.py `apply_inheritance_specs(source, specs_tree)`: the modified source. */
export function applyInheritanceSpecs(sourceIn: XmlElement, specsTree: XmlElement, view: ViewRow): XmlElement {
  let source = sourceIn;
  const specs: XmlNode[] = [specsTree];
  const extract = (spec: XmlElement): XmlElement => {
    if (spec.children.length) viewError(`Invalid specification for moved nodes: “${serialiseXml(spec)}”`, view);
    const found = locateNode(source, spec);
    if (!found) viewError(`Element “${serialiseXml(spec)}” cannot be located in parent view`, view);
    removeElement(found!);
    return found!;
  };
  while (specs.length) {
    const spec = specs.shift()!;
    if (spec.kind !== 'element') continue;
    if (spec.tag === 'data') {
      specs.push(...spec.children);
      continue;
    }
    const node = locateNode(source, spec);
    if (!node) {
      const attrs = spec.attrs.filter(([k]) => k !== 'position').map(([k, v]) => ` ${k}="${htmlEscape(v)}"`).join('');
      viewError(`Element '<${spec.tag}${attrs}>' cannot be located in parent view`, view);
    }
    const target = node!;
    const position = getAttr(spec, 'position') ?? 'inside';
    if (position === 'replace') {
      const mode = getAttr(spec, 'mode') ?? 'outer';
      if (mode === 'outer') {
        for (const loc of iterElements(spec)) {
          if (loc !== spec && loc.text === '$0') {
            loc.text = '';
            append(loc, deepCopy(target));
          }
        }
        if (!target.parent) {
          let content: XmlElement | null = null;
          let comment: XmlNode | null = null;
          for (const child of spec.children) {
            if (child.kind !== 'comment') {
              if (child.kind === 'element') content = child;
              break;
            }
            comment = child;
          }
          if (!content) viewError('Invalid replacement of the root node', view);
          source = deepCopy(content!);
          source.tail = null;
          const tName = getAttr(target, 't-name');
          if (tName) setAttr(source, 't-name', tName);
          if (comment) {
            const copy = deepCopy(comment);
            copy.tail = source.text;
            source.text = null;
            source.children.unshift(copy);
            copy.parent = source;
          }
        } else {
          for (let child of [...spec.children]) {
            if (child.kind === 'element' && getAttr(child, 'position') === 'move') child = extract(child);
            addPrevious(target, child);
          }
          detach(target);
        }
      } else if (mode === 'inner') {
        for (const child of [...target.children]) detach(child);
        target.text = null;
        for (const child of spec.children) append(target, deepCopy(child));
        target.text = spec.text;
      } else viewError(`Invalid mode attribute: “${mode}”`, view);
    } else if (position === 'attributes') applyAttributes(target, spec, view);
    else if (position === 'inside') {
      const sentinel = element('sentinel');
      append(target, sentinel);
      addStrippedItemsBefore(sentinel, spec, extract);
      removeElement(sentinel);
    } else if (position === 'after') {
      const sentinel = element('sentinel');
      // The target's tail moves onto the sentinel (xml-tree.ts addNext), as Odoo makes lxml >= 5.1 do too.
      addNext(target, sentinel);
      addStrippedItemsBefore(sentinel, spec, extract);
      removeElement(sentinel);
    } else if (position === 'before') addStrippedItemsBefore(target, spec, extract);
    else viewError(`Invalid position attribute: '${position}'`, view);
  }
  return source;
}

function htmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

