import { parseFragment, type DefaultTreeAdapterMap } from 'parse5';

/**
 * A small mutable HTML tree: what Odoo's sanitizer works on (lxml's element tree), built from
 * parse5's standard parser and serialised the way lxml's `html.tostring` writes it.
 */
export type HtmlNode = HtmlElement | { kind: 'text'; text: string } | { kind: 'comment'; text: string };

export interface HtmlElement {
  kind: 'element';
  tag: string;
  attrs: [name: string, value: string][];
  children: HtmlNode[];
}

type Parse5Node = DefaultTreeAdapterMap['childNode'];

/**
 * Parses `src` as body content. Elements the HTML5 parser invents (a `tbody` around table rows,
 * which libxml2's parser does not add) carry no source location and are unwrapped.
 */
export function parseHtmlFragment(src: string): HtmlNode[] {
  const fragment = parseFragment(src, { sourceCodeLocationInfo: true });
  return convert(fragment.childNodes);
}

function convert(nodes: readonly Parse5Node[]): HtmlNode[] {
  const out: HtmlNode[] = [];
  for (const node of nodes) {
    if (node.nodeName === '#text') out.push({ kind: 'text', text: (node as DefaultTreeAdapterMap['textNode']).value });
    else if (node.nodeName === '#comment') out.push({ kind: 'comment', text: (node as DefaultTreeAdapterMap['commentNode']).data });
    else if ('tagName' in node) {
      const element = node as DefaultTreeAdapterMap['element'];
      // An HTML <template> keeps its children in `content`; one in foreign content (<svg><template>) is a plain element without it.
      const content = element.tagName === 'template' ? (element as Partial<DefaultTreeAdapterMap['template']>).content : undefined;
      const children = convert(content ? content.childNodes : element.childNodes);
      if (!element.sourceCodeLocation) out.push(...children);
      else out.push({ kind: 'element', tag: element.tagName, attrs: element.attrs.map((a) => [a.name, a.value]), children });
    }
  }
  return out;
}

export function element(tag: string, children: HtmlNode[], attrs: [string, string][] = []): HtmlElement {
  return { kind: 'element', tag, attrs, children };
}

export function* descendants(nodes: readonly HtmlNode[]): Generator<HtmlElement> {
  for (const node of nodes) {
    if (node.kind !== 'element') continue;
    yield node;
    yield* descendants(node.children);
  }
}

export function attr(el: HtmlElement, name: string): string | undefined {
  return el.attrs.find(([n]) => n === name)?.[1];
}

export function setAttr(el: HtmlElement, name: string, value: string): void {
  const existing = el.attrs.find(([n]) => n === name);
  if (existing) existing[1] = value;
  else el.attrs.push([name, value]);
}

/** lxml.html.defs.empty_tags: written without an end tag. */
const VOID_TAGS = new Set(['area', 'base', 'basefont', 'br', 'col', 'frame', 'hr', 'img', 'input', 'isindex', 'link', 'meta', 'param', 'embed', 'source', 'track', 'wbr']);
/** libxml2's htmlIsBooleanAttr: written as the bare name. */
const BOOLEAN_ATTRS = new Set(['checked', 'compact', 'declare', 'defer', 'disabled', 'ismap', 'multiple', 'nohref', 'noresize', 'noshade', 'nowrap', 'readonly', 'selected']);
/** Raw-text elements: libxml2 writes their content unescaped. */
const RAW_TEXT_TAGS = new Set(['script', 'style']);

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** lxml `html.tostring(el, encoding='unicode')` (method 'html'). */
export function serializeHtml(nodes: readonly HtmlNode[], rawText = false): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += rawText ? node.text : escapeText(node.text);
    else if (node.kind === 'comment') out += `<!--${node.text}-->`;
    else {
      out += `<${node.tag}`;
      for (const [name, value] of node.attrs) out += BOOLEAN_ATTRS.has(name) && (value === '' || value === name) ? ` ${name}` : ` ${name}="${escapeAttr(value)}"`;
      out += '>';
      if (VOID_TAGS.has(node.tag)) continue;
      out += serializeHtml(node.children, RAW_TEXT_TAGS.has(node.tag));
      out += `</${node.tag}>`;
    }
  }
  return out;
}
