import fc from 'fast-check';
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import type { SqlRunner } from '../../../services/content/db/sql-runner.ts';
import { commentThreads } from '../../../services/content/domain/comment-threads.ts';
import { sanitizedBody } from '../../../services/content/domain/html-bodies.ts';
import { pythonInt } from '../../../services/content/domain/answer-votes.ts';
import { occurrences } from '../../../services/content/domain/post-likes.ts';

/**
 * The pure parts of M11/M12: REST bodies sanitised as fields.Html (whatever markup a client
 * sends, no script-bearing element, `on*` attribute or `javascript:` URL survives, in what is
 * stored or in what a read answers), comment threads (every readable comment exactly once, each under its
 * parent, even when an RPC write made parents loop), Python's int() for action_vote's delta.
 */
type Node = DefaultTreeAdapterMap['childNode'];

const DANGEROUS_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'frame', 'frameset', 'style', 'link', 'meta', 'base', 'noscript']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'background', 'cite', 'longdesc', 'lowsrc', 'dynsrc', 'xlink:href', 'data']);

function* elements(nodes: readonly Node[]): Generator<DefaultTreeAdapterMap['element']> {
  for (const node of nodes) {
    if (!('tagName' in node)) continue;
    yield node;
    yield* elements(node.childNodes as Node[]);
    const content = (node as Partial<DefaultTreeAdapterMap['template']>).content;
    if (content) yield* elements(content.childNodes as Node[]);
  }
}

/** What makes stored HTML unsafe to render, as a browser parses it. */
function unsafeParts(html: string): string[] {
  const found: string[] = [];
  for (const el of elements(parseFragment(html).childNodes as Node[])) {
    if (DANGEROUS_TAGS.has(el.tagName)) found.push(`<${el.tagName}>`);
    for (const attr of el.attrs) {
      if (/^on/i.test(attr.name)) found.push(`${el.tagName}[${attr.name}]`);
      // Browsers ignore control characters and spaces before the scheme.
      if (URL_ATTRIBUTES.has(attr.name) && /^javascript:/i.test(attr.value.replace(/[\u0000-\u0020]/g, ''))) found.push(`${el.tagName}[${attr.name}=javascript:]`);
    }
  }
  return found;
}

const text = fc.stringMatching(/^[a-zA-Z0-9 .,!?<>&"'=:;/()-]{0,12}$/);
const scheme = fc.constantFrom('javascript:', 'JaVaScRiPt:', ' javascript:', '\tjavascript:', 'java\nscript:', 'https://ok.example/', '/relative', '#top', 'mailto:a@b.c');
const attribute = fc.oneof(
  fc.tuple(fc.constantFrom('onclick', 'onerror', 'onload', 'onmouseover', 'ONFOCUS', 'onpointerdown'), text),
  fc.tuple(fc.constantFrom('href', 'src', 'action', 'formaction', 'background'), fc.tuple(scheme, text).map(([s, t]) => `${s}${t}`)),
  fc.tuple(fc.constantFrom('title', 'class', 'style', 'alt', 'id'), text),
);
const tag = fc.constantFrom('p', 'a', 'img', 'div', 'span', 'b', 'svg', 'math', 'form', 'button', 'table', 'script', 'iframe', 'object', 'embed', 'style', 'link', 'meta', 'base', 'noscript', 'template', 'video', 'input');
const quoted = (value: string) => `"${value.replaceAll('"', '&quot;')}"`;
const markup: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('element') as fc.Arbitrary<string>),
  element: fc.tuple(tag, fc.array(attribute, { maxLength: 3 }), fc.array(tie('node') as fc.Arbitrary<string>, { maxLength: 3 }), fc.boolean())
    .map(([name, attrs, children, closed]) => `<${name}${attrs.map(([a, v]) => ` ${a}=${quoted(v)}`).join('')}>${children.join('')}${closed ? `</${name}>` : ''}`),
})).node;

describe('REST bodies (fields.Html sanitising)', () => {
  it('leaves no script-bearing element, on* attribute or javascript: URL in any markup, stored or answered', () => {
    fc.assert(
      fc.property(fc.array(markup, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')), (html) => {
        const once = sanitizedBody(html)!;
        expect(unsafeParts(once)).toEqual([]);
        // What REST answers is the stored text sanitised again: safe as well.
        expect(unsafeParts(sanitizedBody(once)!)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('the cases the issue names: script tags, on* attributes and javascript: URLs gone, the rest kept', () => {
    expect(sanitizedBody('<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a> <a href="https://ok.example/">ok</a></p>'))
      .toBe('<p>Hi <a href="">x</a> <a href="https://ok.example/">ok</a></p>');
    expect(sanitizedBody('<img src="a.png" onerror="alert(3)">')).toBe('<img src="a.png">');
    expect(sanitizedBody(null)).toBeNull();
  });
});

describe('comment threads', () => {
  const rowsRunner = (rows: object[]): SqlRunner => ({ run: async () => [], raw: async <R>() => rows as R[] });
  const visible = { sql: 'TRUE', parameters: [] };

  it('holds every comment exactly once, each under its parent when the parent is there, whatever the parents (loops included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 25 }).chain((n) => fc.array(fc.option(fc.integer({ min: 1, max: n + 3 }), { nil: null }), { minLength: n, maxLength: n })), async (parents) => {
        const rows = parents.map((parent, i) => ({ id: i + 1, post_id: 1, parent_id: parent, author_id: 7, body: `c${i + 1}`, create_date: null }));
        const roots = await commentThreads(rowsRunner(rows), 1, visible);
        const seen: number[] = [];
        const walk = (comments: Awaited<ReturnType<typeof commentThreads>>, parent: number | null) => {
          for (const c of comments) {
            seen.push(c.id);
            if (parent !== null) expect(c.parentId).toBe(parent);
            walk(c.replies, c.id);
          }
        };
        walk(roots, null);
        expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => r.id));
        // A root is a comment without a parent among them, or one whose ancestors loop back to it.
        for (const root of roots) {
          if (root.parentId === null || root.parentId > rows.length) continue;
          let at: number | null = root.parentId;
          const chain = new Set<number>();
          while (at !== null && at <= rows.length && !chain.has(at)) {
            chain.add(at);
            at = rows[at - 1]!.parent_id;
          }
          expect(chain.has(root.id)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("action_vote's int(delta)", () => {
  it('converts as CPython does, or refuses with its texts', () => {
    expect([pythonInt(3), pythonInt(2.9), pythonInt(-2.9), pythonInt(true), pythonInt(' +7 '), pythonInt('1_000'), pythonInt('-0')]).toEqual([3, 2, -2, 1, 7, 1000, -0]);
    expect(() => pythonInt('1.5')).toThrow("invalid literal for int() with base 10: '1.5'");
    expect(() => pythonInt("it's")).toThrow(`invalid literal for int() with base 10: "it's"`);
    expect(() => pythonInt(null)).toThrow("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
    expect(() => pythonInt([1])).toThrow("not 'list'");
    expect(() => pythonInt({})).toThrow("not 'dict'");
  });

  it('counts each id once per occurrence, in first-seen order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 })), (ids) => {
      const times = occurrences(ids);
      expect([...times.keys()]).toEqual([...new Set(ids)]);
      expect([...times.values()].reduce((a, b) => a + b, 0)).toBe(ids.length);
    }));
  });
});
