import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDocuments } from '../../../services/content/domain/search-source.ts';
import { PostgresSearchBackend } from '../../../services/kit/index.ts';
import { paidContent, plainMembers, startKnowledgeSides, type KnowledgeSides } from './knowledge-sides.ts';

/**
 * GET /contents/courses and GET /contents/{id} after M06's cutover: the catalogue of published
 * paid content with its filters, orders and pages checked against the tables, full-text `q`
 * answered through the search port's PostgreSQL backend (the index built from the tables as
 * `ficus search rebuild` builds it) and re-checked against the rows and rules, and the paid body
 * of a content only for whom may read it.
 */
let sides: KnowledgeSides;
let member: number;
let searchDb: Kysely<any>;

type Item = { id: number; title: string; type: string; price: string; purchaseCount: number; publishedAt: string; tags: { id: number; name: string }[]; author: { id: number; name: string } | null; highlight?: string };
const catalogue = async (query: string, uid = member) => {
  const answer = await sides.rest('GET', `/contents/courses${query ? `?${query}` : ''}`, uid);
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { items: Item[]; total: number; limit: number; offset: number };
};

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
  member = (await plainMembers(sides.service, 1))[0]!;
  searchDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: sides.service }) });
  const backend = new PostgresSearchBackend({ pool: sides.service, language: 'english', schema: 'ficus_search' });
  await backend.ensureIndex();
  await backend.replaceAll(allDocuments({ db: searchDb, pool: sides.service, legacyPool: sides.legacy }));
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe('GET /contents/courses', () => {
  it('lists every published paid content (all four types), newest first, with author, tags, price and purchase_count from the tables; pages cut the same list', async () => {
    const expected = (await sides.service.query<{ id: number; purchase_count: number; price: string }>(
      'SELECT id, purchase_count, price::text AS price FROM knowledge_contents WHERE published AND price > 0 ORDER BY published_at DESC, id DESC')).rows;
    const all = await catalogue('limit=100');
    expect(all.total).toBe(expected.length);
    expect(all.items.map((i) => i.id)).toEqual(expected.map((r) => r.id));
    expect(new Set(all.items.map((i) => i.type)).size).toBeGreaterThan(2);
    for (const [i, item] of all.items.entries()) {
      expect(item.purchaseCount).toBe(expected[i]!.purchase_count);
      expect(Number(item.price)).toBe(Number(expected[i]!.price));
      expect(item.tags.length).toBeGreaterThan(0);
      expect(item).not.toHaveProperty('body');
    }
    const withAuthor = all.items.find((i) => i.author)!;
    const name = (await sides.service.query('SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [withAuthor.author!.id])).rows[0].name;
    expect(withAuthor.author!.name).toBe(name);
    const page = await catalogue('limit=7&offset=7');
    expect([page.total, page.items.map((i) => i.id)]).toEqual([all.total, all.items.slice(7, 14).map((i) => i.id)]);
    const past = await catalogue('limit=5&offset=500');
    expect([past.total, past.items]).toEqual([all.total, []]);
  });

  it('filters by type, tag, author and price range, and orders by price either way and by popularity', async () => {
    const all = (await catalogue('limit=100')).items;
    for (const type of ['course', 'article', 'audio', 'video']) expect((await catalogue(`type=${type}&limit=100`)).items.map((i) => i.id)).toEqual(all.filter((i) => i.type === type).map((i) => i.id));
    const tag = all[0]!.tags[0]!.name;
    expect((await catalogue(`tag=${encodeURIComponent(tag)}&limit=100`)).items.map((i) => i.id)).toEqual(all.filter((i) => i.tags.some((t) => t.name === tag)).map((i) => i.id));
    const author = all.find((i) => i.author)!.author!.id;
    expect((await catalogue(`author_id=${author}&limit=100`)).items.map((i) => i.id)).toEqual(all.filter((i) => i.author?.id === author).map((i) => i.id));
    expect((await catalogue('price_min=29.9&price_max=99&limit=100')).items.map((i) => i.id)).toEqual(all.filter((i) => Number(i.price) >= 29.9 && Number(i.price) <= 99).map((i) => i.id));
    const byPrice = (await catalogue('sort=price&limit=100')).items.map((i) => Number(i.price));
    expect(byPrice).toEqual([...byPrice].sort((a, b) => a - b));
    const byPriceDesc = (await catalogue('sort=-price&limit=100')).items.map((i) => Number(i.price));
    expect(byPriceDesc).toEqual([...byPriceDesc].sort((a, b) => b - a));
    const popular = (await catalogue('sort=popularity&limit=100')).items.map((i) => i.purchaseCount);
    expect(popular).toEqual([...popular].sort((a, b) => b - a));
    expect((await sides.rest('GET', '/contents/courses?price_min=50&price_max=10', member)).status).toBe(400);
    expect((await sides.rest('GET', '/contents/courses?sort=cheapest', member)).status).toBe(400);
    expect((await sides.rest('GET', '/contents/courses', null)).status).toBe(401);
  });

  it('q searches through the search port: matches by word and by prefix with <mark> highlights, best first, filters still apply, and a draft never shows to whom may not read it', async () => {
    const all = (await catalogue('limit=100')).items;
    const found = await catalogue('q=blood&limit=100');
    expect(found.total).toBeGreaterThan(0);
    expect(found.items.map((i) => i.id).sort()).toEqual(all.filter((i) => /blood/i.test(i.title) || i.tags.some((t) => /blood/i.test(t.name))).map((i) => i.id).sort());
    for (const item of found.items) expect(item.highlight).toMatch(/<mark>blood<\/mark>/i);
    expect((await catalogue('q=bloo&limit=100')).items.map((i) => i.id).sort()).toEqual(found.items.map((i) => i.id).sort());
    expect((await catalogue('q=blood&type=course&limit=100')).items.every((i) => i.type === 'course')).toBe(true);
    expect((await catalogue('q=zzzqqqxx')).total).toBe(0);
    // A draft's title is searchable only by its author (its document's audience); the catalogue lists published content only anyway.
    const [draft] = (await sides.service.query<{ id: number; title: string }>('SELECT id, title FROM knowledge_contents WHERE NOT COALESCE(published, false) ORDER BY id LIMIT 1')).rows;
    const word = draft!.title.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w))!;
    expect((await catalogue(`q=${word}&limit=100`)).items.map((i) => i.id)).not.toContain(draft!.id);
  });
});

describe('GET /contents/{id}', () => {
  it('shows a paid body to its buyers, its author and operators only; a non-buyer gets bodyHidden; a draft of someone else is 404', async () => {
    const paid = await paidContent(sides.service);
    const read = async (uid: number) => (await sides.rest('GET', `/contents/${paid.id}`, uid)).body;
    expect(await read(paid.nonBuyerId)).toMatchObject({ id: paid.id, body: null, bodyHidden: true, purchased: false });
    for (const uid of [paid.buyerId, paid.authorId, 2]) expect((await read(uid)).body, `uid ${uid}`).toMatch(/^<h2>/);
    expect((await read(paid.buyerId)).purchased).toBe(true);
    const [draft] = (await sides.service.query<{ id: number; author_id: number }>('SELECT id, author_id FROM knowledge_contents WHERE NOT COALESCE(published, false) AND author_id IS NOT NULL ORDER BY id LIMIT 1')).rows;
    expect((await sides.rest('GET', `/contents/${draft!.id}`, member)).status).toBe(404);
    expect((await sides.rest('GET', `/contents/${draft!.id}`, draft!.author_id)).status).toBe(200);
    expect((await sides.rest('GET', '/contents/99999999', member)).status).toBe(404);
  });
});

describe('before the cutover (M06 on the monolith)', () => {
  it('reads the catalogue and a content where the rows live, with the same rules', async () => {
    await sides.setOwner('legacy');
    try {
      // A change only the monolith holds shows through: REST reads M06's home.
      const [target] = (await sides.legacy.query<{ id: number }>('SELECT id FROM knowledge_contents WHERE published AND price > 0 ORDER BY id LIMIT 1')).rows;
      await sides.legacy.query('UPDATE knowledge_contents SET published = false WHERE id = $1', [target!.id]);
      const expected = (await sides.legacy.query<{ id: number }>('SELECT id FROM knowledge_contents WHERE published AND price > 0 ORDER BY published_at DESC, id DESC')).rows.map((r) => r.id);
      const listed = await catalogue('limit=100');
      expect(listed.items.map((i) => i.id)).toEqual(expected);
      expect(listed.items.map((i) => i.id)).not.toContain(target!.id);
      const paid = await paidContent(sides.legacy);
      expect((await sides.rest('GET', `/contents/${paid.id}`, paid.nonBuyerId)).body).toMatchObject({ body: null, bodyHidden: true });
      expect((await sides.rest('GET', `/contents/${paid.id}`, paid.buyerId)).body.body).toMatch(/^<h2>/);
      await sides.legacy.query('UPDATE knowledge_contents SET published = true WHERE id = $1', [target!.id]);
    } finally {
      await sides.setOwner('service');
    }
  });
});
