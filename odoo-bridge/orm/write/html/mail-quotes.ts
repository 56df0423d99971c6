import { attr, element, setAttr, type HtmlElement, type HtmlNode } from './html-tree.ts';

/**
 * odoo/tools/mail.py `tag_quote`, run on every element in document order before cleaning: marks
 * replies, forwarded parts and signatures with `data-o-mail-quote` so the web client folds them.
 */
export function tagQuotes(root: HtmlElement): void {
  const visit = (el: HtmlElement, parent: HtmlElement | null) => {
    tagQuote(el, parent);
    // Read after tagging: spans inserted for text quotes are visited too, as lxml's iter() does.
    for (const child of el.children) if (child.kind === 'element') visit(child, el);
  };
  visit(root, null);
}

const SIGNATURE_BEGIN = /(?:^|\n)--\s?$/;
const TEXT_QUOTES = /((?:\n>+[^\n\r]*)+|(?:(?:^|\n)--\s?[\r\n]{1,2}[\s\S]+))/g;

function tagQuote(el: HtmlElement, parent: HtmlElement | null): void {
  const cls = attr(el, 'class') ?? '';
  const id = attr(el, 'id') ?? '';
  const quoteWithContainer = () => {
    setAttr(el, 'data-o-mail-quote', '1');
    if (parent) setAttr(parent, 'data-o-mail-quote-container', '1');
  };

  if (cls.includes('gmail_extra') || id.includes('divRplyFwdMsg') || cls.includes('SkyDrivePlaceholder')) quoteWithContainer();

  if ((el.tag === 'hr' && (cls.includes('stopSpelling') || id.includes('stopSpelling'))) || cls.includes('yahoo_quoted')) {
    setAttr(el, 'data-o-mail-quote', '1');
    if (parent) {
      for (const sibling of parent.children.slice(parent.children.indexOf(el) + 1)) if (sibling.kind === 'element') setAttr(sibling, 'data-o-mail-quote', '1');
    }
  }

  const text = leadingText(el);
  // Python's `$` also matches before a final newline.
  if (text && el.children.some((c) => c.kind === 'element' && c.tag === 'br') && (SIGNATURE_BEGIN.test(text) || SIGNATURE_BEGIN.test(text.replace(/\n$/, '')))) quoteWithContainer();

  if (!attr(el, 'data-o-mail-quote')) wrapTextQuotes(el, text);

  if (el.tag === 'blockquote') {
    setAttr(el, 'data-o-mail-quote-node', '1');
    setAttr(el, 'data-o-mail-quote', '1');
  }
  if (parent && (attr(parent, 'data-o-mail-quote') || attr(parent, 'data-o-mail-quote-container')) && !attr(parent, 'data-o-mail-quote-node')) setAttr(el, 'data-o-mail-quote', '1');
}

/** lxml's `el.text`: the text before the first child element. */
function leadingText(el: HtmlElement): string {
  const first = el.children[0];
  return first?.kind === 'text' ? first.text : '';
}

/** `_tag_matching_regex_in_text`: each quoted run of `el.text` becomes a span of its own. */
function wrapTextQuotes(el: HtmlElement, text: string): void {
  const matches = [...text.matchAll(TEXT_QUOTES)];
  if (!matches.length) return;
  const pieces: HtmlNode[] = [];
  let from = 0;
  for (const m of matches) {
    if (m.index > from) pieces.push({ kind: 'text', text: text.slice(from, m.index) });
    pieces.push(element('span', [{ kind: 'text', text: m[0] }], [['data-o-mail-quote', '1']]));
    from = m.index + m[0].length;
  }
  if (from < text.length) pieces.push({ kind: 'text', text: text.slice(from) });
  el.children.splice(0, 1, ...pieces);
}
