import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANITIZE_FLAGS, sanitizeHtml } from '../../../../odoo-bridge/orm/write/html/html-sanitize.ts';

/** Odoo 18's html_sanitize with fields.Html defaults (sanitize_attributes=True). */
const FIELD_DEFAULTS = { ...DEFAULT_SANITIZE_FLAGS, attributes: true };
const clean = (src: string) => sanitizeHtml(src, FIELD_DEFAULTS);

describe('html_sanitize as an Html field stores values', () => {
  it.each([
    // golden seq_partner#34/#35 (odoo-golden) and seq_goal#18 (legacy golden)
    ['<p>Hello <b>golden</b></p><script>alert(1)</script>', '<p>Hello <b>golden</b></p>'],
    ['<p>Golden <b>risk</b></p><script>x()</script>', '<p>Golden <b>risk</b></p>'],
    // libxml2 opens a paragraph for leading text; lxml wraps several inline nodes in a span
    ['Hello', '<p>Hello</p>'],
    ['Hello <b>x</b>', '<p>Hello <b>x</b></p>'],
    ['<b>x</b><i>y</i>', '<span><b>x</b><i>y</i></span>'],
    ['<p>a</p><p>b</p>', '<p>a</p><p>b</p>'],
    ['  <p>x</p>\n', '<p>x</p>'],
    // lxml's serialisation: void tags, entities, no invented tbody
    ['<p>a<br/>b</p>', '<p>a<br>b</p>'],
    ['<p>a&nbsp;b &amp; "q" &lt;</p>', '<p>a&nbsp;b &amp; "q" &lt;</p>'],
    ['<table><tr><td>1</td></tr></table>', '<table><tr><td>1</td></tr></table>'],
    // what the cleaner removes
    ['<a href="javascript:alert(1)" onclick="x()">l</a>', '<a href="">l</a>'],
    ['<a href="https://example.com/a?b=1">l</a>', '<a href="https://example.com/a?b=1">l</a>'],
    ['<iframe src="https://evil"></iframe><p>k</p>', '<p>k</p>'],
    ['<p>k<object data="x"><param name="a"></object></p>', '<p>k</p>'],
    ['<form action="/x"><input name="q"><p>in form</p></form>', '<p>in form</p>'],
    ['<p style="background:url(javascript:alert(1))">s</p>', '<p>s</p>'],
    ['<p style="color:red">s</p>', '<p style="color:red">s</p>'],
    ['<p data-evil="1" class="c">s</p>', '<p class="c">s</p>'],
    ['<img src="data:image/svg+xml;base64,PHN2Zz4=">', '<img src="">'],
    ['<img src="data:image/png;base64,AAAA" alt="x">', '<img src="data:image/png;base64,AAAA" alt="x">'],
    // quote detection, before cleaning
    ['<blockquote>q</blockquote>', '<blockquote data-o-mail-quote-node="1" data-o-mail-quote="1">q</blockquote>'],
    // …and html_normalize strips a lone outer div, the user's own included
    ['<div>reply\n> quoted line</div>', 'reply<span data-o-mail-quote="1">\n&gt; quoted line</span>'],
  ])('%j → %j', (src, stored) => {
    expect(clean(src)).toBe(stored);
  });

  it('empties a value that is only blanks, keeps False/empty as given', () => {
    expect(clean('   ')).toBe('');
    expect(clean('')).toBe('');
  });

  it('strips styles and classes when the field says so, and whitelists styles with sanitize_style', () => {
    expect(sanitizeHtml('<p style="color:red" class="c">s</p>', { ...FIELD_DEFAULTS, stripStyle: true, stripClasses: true })).toBe('<p>s</p>');
    expect(sanitizeHtml('<p style="color: red; position: fixed">s</p>', { ...FIELD_DEFAULTS, style: true })).toBe('<p style="color:red">s</p>');
  });

  const safeText = fc.stringMatching(/^[a-z \n>&-]{0,12}$/);
  const dangerous = fc.constantFrom(
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x">',
    '<svg onload=alert(1)>',
    '<style>body{}</style>',
    '<p style="width: expression(alert(1))">e</p>',
    '<meta http-equiv="refresh" content="0">',
    '<form action="https://evil"><button>go</button></form>',
  );
  const tag = fc.constantFrom('p', 'b', 'i', 'div', 'span', 'li', 'blockquote', 'u', 'em');
  const fragment: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      safeText,
      dangerous,
      fc.tuple(tag, fc.array(tie('node'), { maxLength: 3 })).map(([t, children]) => `<${t}>${children.join('')}</${t}>`),
    ),
  })).node;

  it('never stores script, frames, event handlers or javascript: links, whatever the mix (property)', () => {
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 1, maxLength: 5 }), (parts) => {
        const stored = clean(parts.join(''));
        expect(stored).not.toMatch(/<(script|iframe|object|embed|style|meta|form|button|svg)\b/i);
        expect(stored).not.toMatch(/\son[a-z]+\s*=/i);
        expect(stored).not.toMatch(/(javascript|expression)\s*[:(]/i);
      }),
      { numRuns: 2000 },
    );
  });

  const inline: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.stringMatching(/^[a-z ]{1,8}$/),
      fc.tuple(fc.constantFrom('b', 'i', 'em', 'strong', 'u', 'span', 'code'), fc.array(tie('node'), { minLength: 1, maxLength: 3 })).map(([t, c]) => `<${t}>${c.join('')}</${t}>`),
    ),
  })).node;
  const paragraphs = fc.array(fc.array(inline, { minLength: 1, maxLength: 3 }).map((c) => `<p>${c.join('')}</p>`), { minLength: 1, maxLength: 4 });

  it('keeps well-formed, harmless markup exactly as given (property)', () => {
    fc.assert(
      fc.property(paragraphs, (ps) => {
        const given = ps.join('');
        expect(clean(given)).toBe(given);
      }),
      { numRuns: 2000 },
    );
  });
});
