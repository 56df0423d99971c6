import type { HtmlSanitizeFlags } from '../../registry/types.ts';
import { descendants, element, parseHtmlFragment, serializeHtml, type HtmlElement, type HtmlNode } from './html-tree.ts';
import { tagQuotes } from './mail-quotes.ts';

/**
 * odoo/tools/mail.py `html_sanitize` (over `html_normalize` and lxml's Cleaner), which an Html
 * field with `sanitize=True` applies to every value it stores. Dangerous content (scripts,
 * frames, event handlers, `javascript:` links…) never reaches the column; the rest is
 * re-serialised as lxml writes it, so stored values match what Odoo stores.
 *
 * Parsing is parse5 (HTML5) rather than libxml2; for markup that both parse alike (the
 * well-formed content editors and clients send) the result is the same. For tag soup the two
 * parsers may repair differently; the result is still cleaned the same way.
 */
/** html_sanitize's own defaults, for fields whose flags the database does not record. */
export const DEFAULT_SANITIZE_FLAGS: HtmlSanitizeFlags = { tags: true, attributes: false, style: false, form: true, stripStyle: false, stripClasses: false };

// lxml.html.defs.tags (+ the HTML5 ones Odoo adds) and defs.safe_attrs, plus Odoo's own.
const LXML_TAGS = [
  'html', 'head', 'body', 'frameset', 'base', 'isindex', 'link', 'meta', 'script', 'style', 'title', 'address', 'blockquote', 'center', 'del', 'div',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ins', 'noscript', 'p', 'pre', 'dir', 'dl', 'dt', 'dd', 'li', 'menu', 'ol', 'ul', 'table', 'caption',
  'colgroup', 'col', 'thead', 'tfoot', 'tbody', 'tr', 'td', 'th', 'form', 'button', 'fieldset', 'legend', 'input', 'label', 'select', 'optgroup',
  'option', 'textarea', 'a', 'applet', 'basefont', 'bdo', 'br', 'embed', 'font', 'iframe', 'img', 'map', 'area', 'object', 'param', 'q', 'span',
  'sub', 'sup', 'abbr', 'acronym', 'cite', 'code', 'dfn', 'em', 'kbd', 'samp', 'strong', 'var', 'b', 'big', 'i', 's', 'small', 'strike', 'tt', 'u',
  'blink', 'marque',
];
const ALLOWED_TAGS = new Set([...LXML_TAGS, 'article', 'bdi', 'section', 'header', 'footer', 'hgroup', 'nav', 'aside', 'figure', 'main']);
const KILL_TAGS = ['base', 'embed', 'frame', 'head', 'iframe', 'link', 'meta', 'noscript', 'object', 'script', 'style', 'title'];
const SAFE_ATTRS = new Set([
  'abbr', 'accept', 'accept-charset', 'accesskey', 'action', 'align', 'alt', 'axis', 'border', 'cellpadding', 'cellspacing', 'char', 'charoff',
  'charset', 'checked', 'cite', 'class', 'clear', 'cols', 'colspan', 'color', 'compact', 'coords', 'datetime', 'dir', 'disabled', 'enctype', 'for',
  'frame', 'headers', 'height', 'href', 'hreflang', 'hspace', 'id', 'ismap', 'label', 'lang', 'longdesc', 'maxlength', 'media', 'method',
  'multiple', 'name', 'nohref', 'noshade', 'nowrap', 'prompt', 'readonly', 'rel', 'rev', 'rows', 'rowspan', 'rules', 'scope', 'selected', 'shape',
  'size', 'span', 'src', 'start', 'summary', 'tabindex', 'target', 'title', 'type', 'usemap', 'valign', 'value', 'vspace', 'width',
  'style', 'data-o-mail-quote', 'data-o-mail-quote-node', 'data-oe-model', 'data-oe-id', 'data-oe-field', 'data-oe-type', 'data-oe-expression',
  'data-oe-translation-initial-sha', 'data-oe-nodeid', 'data-last-history-steps', 'data-publish', 'data-id', 'data-res_id', 'data-interval',
  'data-member_id', 'data-scroll-background-ratio', 'data-view-id', 'data-class', 'data-mimetype', 'data-original-src', 'data-original-id',
  'data-gl-filter', 'data-quality', 'data-resize-width', 'data-shape', 'data-shape-colors', 'data-file-name', 'data-original-mimetype',
  'data-oe-protected', 'data-behavior-props', 'data-prop-name',
]);
/** lxml.html.defs.link_attrs: where rewrite_links looks for URLs. */
const LINK_ATTRS = new Set(['action', 'archive', 'background', 'cite', 'classid', 'codebase', 'data', 'href', 'longdesc', 'profile', 'src', 'usemap', 'dynsrc', 'lowsrc']);
const BLOCK_TAGS = new Set([
  'address', 'blockquote', 'center', 'del', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ins', 'isindex', 'noscript', 'p', 'pre', 'dir', 'dl',
  'dt', 'dd', 'li', 'menu', 'ol', 'ul', 'table', 'caption', 'colgroup', 'col', 'thead', 'tfoot', 'tbody', 'tr', 'td', 'th', 'fieldset', 'form',
  'legend', 'optgroup', 'option',
]);
const STYLE_WHITELIST = new Set([
  'font-size', 'font-family', 'font-weight', 'font-style', 'background-color', 'color', 'text-align', 'line-height', 'letter-spacing',
  'text-transform', 'text-decoration', 'opacity', 'float', 'vertical-align', 'display', 'padding', 'padding-top', 'padding-left',
  'padding-bottom', 'padding-right', 'margin', 'margin-top', 'margin-left', 'margin-bottom', 'margin-right', 'white-space', 'border',
  'border-color', 'border-radius', 'border-style', 'border-width', 'border-top', 'border-bottom', 'height', 'width', 'max-width', 'min-width',
  'min-height', 'border-collapse', 'border-spacing', 'caption-side', 'empty-cells', 'table-layout',
  ...['top', 'bottom', 'left', 'right'].flatMap((p) => ['style', 'color', 'width', 'left-radius', 'right-radius'].map((a) => `border-${p}-${a}`)),
]);

export function sanitizeHtml(src: string, flags: HtmlSanitizeFlags = DEFAULT_SANITIZE_FLAGS): string {
  if (!src) return src;
  const root = normalizedRoot(src);
  if (!root) return '';
  tagQuotes(root);
  clean(root, flags);
  let out = serializeHtml([root]);
  // lxml wraps several top-level nodes in a div; html_normalize strips it again.
  if (out.startsWith('<div>') && out.endsWith('</div>')) out = out.slice(5, -6);
  return out.replaceAll('\u00a0', '&nbsp;');
}

/** html_normalize's parse: lxml.html.fromstring over libxml2's body content rules. */
function normalizedRoot(raw: string): HtmlElement | null {
  const src = raw
    .replace(/(<[^>]*\s)(encoding=(["'][^"']*?["']|[^\s\n\r>]+)(\s[^>]*|\/)?>)/gis, '')
    .replaceAll('--!>', '-->')
    .replace(/(<!-->|<!--->)/g, '<!-- -->')
    .replace(/<\/?o:.*?>/g, '');
  const nodes = parseHtmlFragment(src);
  // libxml2 drops blanks before the first and after the last node of the body.
  while (nodes[0]?.kind === 'text' && !nodes[0].text.trim()) nodes.shift();
  const last = nodes.at(-1);
  if (last?.kind === 'text' && !last.text.trim()) nodes.pop();
  if (nodes[0]?.kind === 'text') nodes[0].text = nodes[0].text.trimStart();
  if (!nodes.length) return null;
  impliedParagraph(nodes);
  // One element alone is returned as it is; anything else gets a container.
  const [only] = nodes;
  if (nodes.length === 1 && only?.kind === 'element') return only;
  const wrapper = [...descendants(nodes)].some((el) => BLOCK_TAGS.has(el.tag)) ? 'div' : 'span';
  return element(wrapper, nodes);
}

/** libxml2 opens a `<p>` for text that starts the document; it lasts until a block element. */
function impliedParagraph(nodes: HtmlNode[]): void {
  if (nodes[0]?.kind !== 'text') return;
  let end = 1;
  while (end < nodes.length) {
    const node = nodes[end]!;
    if (node.kind === 'element' && BLOCK_TAGS.has(node.tag)) break;
    end += 1;
  }
  nodes.splice(0, end, element('p', nodes.slice(0, end)));
}

/** lxml_html_clean's Cleaner with html_sanitize's options, and Odoo's _Cleaner additions. */
function clean(root: HtmlElement, flags: HtmlSanitizeFlags): void {
  const kill = new Set(['script', 'link', 'meta', 'applet', 'frameset', 'frame', 'noframes']);
  const remove = new Set(['head', 'html', 'title', 'iframe', 'embed', 'layer', 'object', 'param', 'blink', 'marquee']);
  if (flags.stripStyle) kill.add('style');
  if (flags.form) {
    remove.add('form');
    for (const tag of ['button', 'input', 'select', 'textarea']) kill.add(tag);
  }
  if (flags.tags) {
    for (const tag of KILL_TAGS) kill.add(tag);
    for (const tag of ['html', 'body']) remove.add(tag);
  }

  const dropped = (name: string) =>
    name.startsWith('on') || (flags.attributes && !SAFE_ATTRS.has(name)) || (flags.stripClasses && name === 'class') || (flags.stripStyle && name === 'style');
  for (const el of [root, ...descendants(root.children)]) {
    el.attrs = el.attrs.filter(([name]) => !dropped(name));
    for (const pair of el.attrs) if (LINK_ATTRS.has(pair[0]) && hasJavascriptScheme(pair[1])) pair[1] = '';
    if (!flags.stripStyle) cleanStyle(el, flags.style);
  }

  // The root cannot be dropped: lxml renames it to a bare div instead.
  if (kill.has(root.tag)) {
    root.tag = 'div';
    root.attrs = [];
    root.children = [];
  } else if (remove.has(root.tag) || (flags.tags && !ALLOWED_TAGS.has(root.tag))) {
    root.tag = 'div';
    root.attrs = [];
  }
  root.children = filterChildren(root.children, (el) => (kill.has(el.tag) ? 'kill' : remove.has(el.tag) || (flags.tags && !ALLOWED_TAGS.has(el.tag)) ? 'unwrap' : 'keep'));
}

/** Kills (drop with content, keep what follows) and unwraps (drop the tag, keep its content) in one pass. */
function filterChildren(nodes: HtmlNode[], decide: (el: HtmlElement) => 'kill' | 'unwrap' | 'keep'): HtmlNode[] {
  const out: HtmlNode[] = [];
  for (const node of nodes) {
    if (node.kind !== 'element') {
      out.push(node);
      continue;
    }
    const verdict = decide(node);
    if (verdict === 'kill') continue;
    node.children = filterChildren(node.children, decide);
    if (verdict === 'unwrap') out.push(...node.children);
    else out.push(node);
  }
  return mergeText(out);
}

function mergeText(nodes: HtmlNode[]): HtmlNode[] {
  const out: HtmlNode[] = [];
  for (const node of nodes) {
    const previous = out.at(-1);
    if (node.kind === 'text' && previous?.kind === 'text') out[out.length - 1] = { kind: 'text', text: previous.text + node.text };
    else out.push(node);
  }
  return out;
}

const WHITESPACE = /[\s\x00-\x08\x0B\x0C\x0E-\x19]+/g;

/** lxml_html_clean `_has_javascript_scheme`: any executable scheme, except data: images that are not SVG/XML. */
function hasJavascriptScheme(url: string): boolean {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url.replaceAll('+', ' '));
  } catch {
    // a malformed escape stays as written, as unquote_plus leaves it
  }
  const text = decoded.replace(WHITESPACE, '');
  const images = [...text.matchAll(/data:image\/(.+?);base64,/gi)].map((m) => m[1]!);
  if (images.some((type) => /(xml|svg)/i.test(type))) return true;
  const schemes = text.match(/(javascript|jscript|livescript|vbscript|data|about|mocha):/gi) ?? [];
  return schemes.length > images.length;
}

/** Cleaner's inline-style pass, then Odoo's whitelist when the field sanitizes styles. */
function cleanStyle(el: HtmlElement, whitelist: boolean): void {
  const index = el.attrs.findIndex(([name]) => name === 'style');
  if (index < 0) return;
  const old = el.attrs[index]![1];
  const cleaned = old.replace(/expression\s*\(.*?\)/gis, '').replace(/@\s*import/gi, '');
  if (sneakyJavascript(cleaned)) {
    el.attrs.splice(index, 1);
    return;
  }
  el.attrs[index]![1] = cleaned;
  if (!whitelist) return;
  const valid = new Map<string, string>();
  for (const m of cleaned.matchAll(/([\w-]+)\s*:\s*((?:[^;"']|"[^";]*"|'[^';]*')+)/g)) {
    const property = m[1]!.toLowerCase();
    if (STYLE_WHITELIST.has(property)) valid.set(property, m[2]!);
  }
  if (valid.size) el.attrs[index]![1] = [...valid].map(([k, v]) => `${k}:${v}`).join('; ');
  else el.attrs.splice(index, 1);
}

function sneakyJavascript(style: string): boolean {
  const text = style.replace(/\/\*.*?\*\//gs, '').replaceAll('\\', '').replace(WHITESPACE, '').toLowerCase();
  return hasJavascriptScheme(text) || text.includes('expression(') || text.includes('@import') || text.includes('</noscript') || /<\/?[a-zA-Z]+|\son[a-zA-Z]+\s*=/.test(text);
}
