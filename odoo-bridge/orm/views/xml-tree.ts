/**
 * The small XML tree view architectures need, with lxml's model of text: an element's `text` is
 * what comes before its first child, each node's `tail` what follows it inside its parent. Odoo
 * combines views with lxml and answers `etree.tostring(node, encoding='unicode')`; the parser and
 * the serializer here follow what lxml does with a view arch (attribute-value normalisation,
 * entity decoding, comments kept, `<a/>` for an element with neither text nor children, lxml's
 * escapes), so that an arch Ficus combines is the string Odoo answers.
 */
export interface XmlElement {
  kind: 'element';
  tag: string;
  /** Attributes in document order (lxml keeps insertion order; `set` on an existing one keeps its place). */
  attrs: Array<[string, string]>;
  text: string | null;
  tail: string | null;
  children: XmlNode[];
  parent: XmlElement | null;
}

export interface XmlComment {
  kind: 'comment';
  value: string;
  tail: string | null;
  parent: XmlElement | null;
}

export interface XmlProcessingInstruction {
  kind: 'pi';
  target: string;
  value: string;
  tail: string | null;
  parent: XmlElement | null;
}

export type XmlNode = XmlElement | XmlComment | XmlProcessingInstruction;

export class XmlSyntaxError extends Error {}

export function element(tag: string, attrs: Array<[string, string]> = []): XmlElement {
  return { kind: 'element', tag, attrs, text: null, tail: null, children: [], parent: null };
}

export function getAttr(node: XmlElement, name: string): string | undefined {
  for (const [key, value] of node.attrs) if (key === name) return value;
  return undefined;
}

export function setAttr(node: XmlElement, name: string, value: string): void {
  const entry = node.attrs.find(([key]) => key === name);
  if (entry) entry[1] = value;
  else node.attrs.push([name, value]);
}

export function removeAttr(node: XmlElement, name: string): string | undefined {
  const index = node.attrs.findIndex(([key]) => key === name);
  if (index < 0) return undefined;
  return node.attrs.splice(index, 1)[0]![1];
}

export function elementChildren(node: XmlElement): XmlElement[] {
  return node.children.filter((child): child is XmlElement => child.kind === 'element');
}

/** Document-order descendants of `node` (itself first), elements only: lxml's `iter()`. */
export function* iterElements(node: XmlElement, tag?: string): Generator<XmlElement> {
  if (tag === undefined || node.tag === tag) yield node;
  for (const child of [...node.children]) if (child.kind === 'element') yield* iterElements(child, tag);
}

export function indexInParent(node: XmlNode): number {
  return node.parent ? node.parent.children.indexOf(node) : -1;
}

export function previousSibling(node: XmlNode): XmlNode | null {
  const index = indexInParent(node);
  return index > 0 ? node.parent!.children[index - 1]! : null;
}

/** lxml `remove(child)`: the child leaves with its tail. */
export function detach(node: XmlNode): void {
  if (!node.parent) return;
  node.parent.children.splice(node.parent.children.indexOf(node), 1);
  node.parent = null;
}

export function append(parent: XmlElement, node: XmlNode): void {
  detach(node);
  node.parent = parent;
  parent.children.push(node);
}

export function insertAt(parent: XmlElement, index: number, node: XmlNode): void {
  detach(node);
  node.parent = parent;
  parent.children.splice(index, 0, node);
}

/** lxml `addprevious` (the node moves with its tail). */
export function addPrevious(anchor: XmlNode, node: XmlNode): void {
  detach(node);
  insertAt(anchor.parent!, indexInParent(anchor), node);
}

/**
 * lxml `addnext` as the lxml Odoo 18 runs on (Debian 12's 4.9; 5.1 changed it): the node moves
 * with its tail and lands right after the anchor element, before the anchor's tail, which thus
 * follows the node's own tail.
 */
export function addNext(anchor: XmlNode, node: XmlNode): void {
  detach(node);
  insertAt(anchor.parent!, indexInParent(anchor) + 1, node);
  if (anchor.tail !== null) {
    node.tail = (node.tail ?? '') + anchor.tail;
    anchor.tail = null;
  }
}

export function deepCopy<T extends XmlNode>(node: T): T {
  if (node.kind !== 'element') return { ...node, parent: null };
  const copy = element(node.tag, node.attrs.map(([k, v]) => [k, v]));
  copy.text = node.text;
  copy.tail = node.tail;
  for (const child of node.children) append(copy, deepCopy(child));
  return copy as T;
}

// ---------------------------------------------------------------------------------- parsing

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, inAttribute: boolean): string {
  // XML attribute-value normalisation: literal tab, newline and carriage return become spaces
  // (character references keep them).
  const normalised = inAttribute ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw.replace(/\r\n?/g, '\n');
  return normalised.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new XmlSyntaxError(`Entity '${ref}' not defined`);
    return value;
  });
}

/** `etree.fromstring(arch)`: the root element (an XML declaration, comments and blank text around it are dropped). */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  /** The node whose text or tail the next character data belongs to. */
  let last: XmlNode | null = null;

  const fail = (message: string): never => {
    throw new XmlSyntaxError(`${message} (offset ${pos})`);
  };
  const addText = (value: string) => {
    if (!current) {
      if (value.trim()) fail('Content outside the root element');
      return;
    }
    if (last && last.parent === current) last.tail = (last.tail ?? '') + value;
    else current.text = (current.text ?? '') + value;
  };
  const readName = (): string => {
    const start = pos;
    if (!NAME_START.test(source[pos] ?? '')) fail('Name expected');
    while (pos < source.length && NAME_CHAR.test(source[pos]!)) pos++;
    return source.slice(start, pos);
  };
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos]!)) pos++;
  };

  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    if (lt < 0) {
      addText(decodeEntities(source.slice(pos), false));
      break;
    }
    if (lt > pos) addText(decodeEntities(source.slice(pos, lt), false));
    pos = lt;
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos + 4);
      if (end < 0) fail('Unterminated comment');
      const comment: XmlComment = { kind: 'comment', value: source.slice(pos + 4, end), tail: null, parent: null };
      pos = end + 3;
      if (current) {
        append(current, comment);
        last = comment;
      }
      continue;
    }
    if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos + 9);
      if (end < 0) fail('Unterminated CDATA');
      addText(source.slice(pos + 9, end));
      pos = end + 3;
      continue;
    }
    if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos + 2);
      if (end < 0) fail('Unterminated processing instruction');
      const body = source.slice(pos + 2, end);
      pos = end + 2;
      const target = body.split(/\s/, 1)[0]!;
      if (current && target.toLowerCase() !== 'xml') {
        const pi: XmlProcessingInstruction = { kind: 'pi', target, value: body.slice(target.length).replace(/^\s+/, ''), tail: null, parent: null };
        append(current, pi);
        last = pi;
      }
      continue;
    }
    if (source.startsWith('<!DOCTYPE', pos)) {
      const end = source.indexOf('>', pos);
      pos = end < 0 ? source.length : end + 1;
      continue;
    }
    if (source.startsWith('</', pos)) {
      pos += 2;
      const name = readName();
      skipSpace();
      if (source[pos] !== '>') fail('> expected');
      pos++;
      if (!current || current.tag !== name) fail(`Opening and ending tag mismatch: ${current?.tag} and ${name}`);
      last = current;
      current = current!.parent;
      continue;
    }
    pos++;
    const node = element(readName());
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', pos) || source[pos] === '>') break;
      const name = readName();
      skipSpace();
      if (source[pos] !== '=') fail('= expected');
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail('Quote expected');
      const end = source.indexOf(quote!, pos + 1);
      if (end < 0) fail('Unterminated attribute');
      if (getAttr(node, name) !== undefined) fail(`Attribute ${name} redefined`);
      node.attrs.push([name, decodeEntities(source.slice(pos + 1, end), true)]);
      pos = end + 1;
    }
    const selfClosing = source[pos] === '/';
    pos += selfClosing ? 2 : 1;
    if (current) append(current, node);
    else if (root) fail('Extra content at the end of the document');
    else root = node;
    last = null;
    if (selfClosing) last = node;
    else current = node;
  }
  if (current) fail(`Premature end of data in tag ${current.tag}`);
  if (!root) fail('Document is empty');
  return root!;
}

// ---------------------------------------------------------------------------------- serialising

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function serialiseInto(node: XmlNode, out: string[], withTail: boolean): void {
  if (node.kind === 'comment') out.push(`<!--${node.value}-->`);
  else if (node.kind === 'pi') out.push(`<?${node.target}${node.value ? ` ${node.value}` : ''}?>`);
  else {
    out.push(`<${node.tag}`);
    for (const [key, value] of node.attrs) out.push(` ${key}="${escapeAttribute(value)}"`);
    if (node.text === null && !node.children.length) out.push('/>');
    else {
      out.push('>');
      if (node.text !== null) out.push(escapeText(node.text));
      for (const child of node.children) serialiseInto(child, out, true);
      out.push(`</${node.tag}>`);
    }
  }
  if (withTail && node.tail !== null) out.push(escapeText(node.tail));
}

/** `etree.tostring(node, encoding='unicode')` (the node's tail included, as lxml does). */
export function serialiseXml(node: XmlNode, withTail = true): string {
  const out: string[] = [];
  serialiseInto(node, out, withTail);
  return out.join('');
}
