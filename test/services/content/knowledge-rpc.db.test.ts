import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { alreadyPublishedMessage } from '../../../services/content/domain/content-publishing.ts';
import { odooErrorOf, paidContent, plainMembers, startKnowledgeSides, userOfGroup, type KnowledgeSides } from './knowledge-sides.ts';

/**
 * M06 over Odoo RPC on both sides of its cut (content's engine over svc_content after cutover,
 * the gateway's engine over the monolith with content's legacy behaviours before): the addon's
 * publish/unpublish with its UserError text, purchase_count kept equal to the purchases on create
 * and unlink, a purchase's amount defaulting to the price, Odoo's constraint messages; the
 * record rules content adds (members: their purchases, published contents and their own drafts)
 * and the paid body (buyers, author and staff only, never through a domain either).
 */
let sides: KnowledgeSides;
const ADMIN = 2;
/** What a JSON-RPC client receives (floats arrive as numbers). */
const wire = (value: unknown): any => JSON.parse(stringifyPythonJson(value));

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe.each(['service', 'legacy'] as const)('M06 over RPC in phase %s', (phase) => {
  let pool: pg.Pool;
  let rpc: KnowledgeSides['serviceRpc'];
  let paid: Awaited<ReturnType<typeof paidContent>>;
  let operator: number;
  const outboxCount = async (type: string) => Number((await sides.service.query('SELECT count(*)::int AS n FROM outbox WHERE type = $1', [type])).rows[0].n);

  beforeAll(async () => {
    await sides.setOwner(phase);
    pool = phase === 'service' ? sides.service : sides.legacy;
    rpc = phase === 'service' ? sides.serviceRpc : sides.legacyRpc;
    paid = await paidContent(pool);
    operator = await userOfGroup(pool, 'group_hp_operator');
  });

  it("action_publish refuses an already published content with the addon's text, publishes a draft (published_at stamped; content_published only after cutover), and a draft named twice in one call rolls back", async () => {
    expect(await odooErrorOf(rpc(ADMIN, 'hp.knowledge.content', 'action_publish', [[paid.id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: alreadyPublishedMessage(paid.title) });
    const [draft] = (await pool.query<{ id: number; title: string }>("INSERT INTO knowledge_contents (title, content_type, currency_id, price, published, purchase_count, create_uid, write_uid, create_date, write_date) VALUES ($1, 'course', 6, 19.9, false, 0, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id, title", [`Draft ${phase} ${process.pid}`])).rows;
    expect(await odooErrorOf(rpc(ADMIN, 'hp.knowledge.content', 'action_publish', [[draft!.id, draft!.id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: alreadyPublishedMessage(draft!.title) });
    expect((await pool.query('SELECT published FROM knowledge_contents WHERE id = $1', [draft!.id])).rows[0].published).toBe(false);
    // Members hold no write right on contents (hp_knowledge's ACL).
    const [member] = await plainMembers(pool, 1);
    expect((await odooErrorOf(rpc(member!, 'hp.knowledge.content', 'action_publish', [[draft!.id]]))).name).toBe('odoo.exceptions.AccessError');
    const before = await outboxCount('content_published');
    expect(await rpc(ADMIN, 'hp.knowledge.content', 'action_publish', [[draft!.id]])).toBe(true);
    const row = (await pool.query("SELECT published, to_char(published_at, 'YYYY-MM-DD HH24:MI:SS') AS at FROM knowledge_contents WHERE id = $1", [draft!.id])).rows[0];
    expect(row.published).toBe(true);
    expect(Math.abs(Date.parse(`${row.at.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(60_000);
    expect(await outboxCount('content_published')).toBe(before + (phase === 'service' ? 1 : 0));
    if (phase === 'service') {
      const event = (await sides.service.query("SELECT payload FROM outbox WHERE type = 'content_published' ORDER BY seq DESC LIMIT 1")).rows[0].payload;
      expect(event.data).toMatchObject({ contentId: draft!.id, authorId: null, contentType: 'course', title: draft!.title, price: '19.9', currency: 'CNY' });
    }
    expect(await rpc(ADMIN, 'hp.knowledge.content', 'action_unpublish', [[draft!.id]])).toBe(true);
    expect((await pool.query('SELECT published, published_at IS NOT NULL AS kept FROM knowledge_contents WHERE id = $1', [draft!.id])).rows[0]).toEqual({ published: false, kept: true });
  });

  it("a purchase defaults its amount to the price and its currency to the company's; purchase_count follows creates, moves and unlinks; a second purchase answers Odoo's constraint message; members buy only for themselves", async () => {
    const count = async () => (await pool.query('SELECT purchase_count, (SELECT count(*)::int FROM content_purchases WHERE content_id = $1) AS n FROM knowledge_contents WHERE id = $1', [paid.id])).rows[0];
    const start = await count();
    expect(start.purchase_count).toBe(start.n);
    const buyer = paid.nonBuyerId;
    const id = (await rpc(buyer, 'hp.content.purchase', 'create', [{ content_id: paid.id, buyer_id: buyer }])) as number;
    const [row] = wire(await rpc(buyer, 'hp.content.purchase', 'read', [[id], ['amount', 'currency_id', 'buyer_id', 'content_id', 'purchased_at']]));
    expect(row.amount).toBe(Number(paid.price));
    expect(row.currency_id[0]).toBe(Number((await pool.query("SELECT id FROM res_currency WHERE name = 'CNY'")).rows[0].id));
    expect(row.purchased_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await count()).toEqual({ purchase_count: start.n + 1, n: start.n + 1 });
    expect(await odooErrorOf(rpc(buyer, 'hp.content.purchase', 'create', [{ content_id: paid.id, buyer_id: buyer }]))).toEqual({
      name: 'odoo.exceptions.ValidationError', message: 'The operation cannot be completed: This content was already purchased by this user.',
    });
    // Content's rule (hp_knowledge has none): a member creates purchases for themselves only.
    const [other] = (await plainMembers(pool, 5)).filter((uid) => uid !== buyer);
    expect((await odooErrorOf(rpc(buyer, 'hp.content.purchase', 'create', [{ content_id: paid.id, buyer_id: other }]))).name).toBe('odoo.exceptions.AccessError');
    // Moved to another content (an admin's write of content_id): both counts follow.
    const [moved] = (await pool.query<{ id: number }>('SELECT id FROM knowledge_contents WHERE published AND id <> $1 AND NOT EXISTS (SELECT 1 FROM content_purchases WHERE content_id = knowledge_contents.id AND buyer_id = $2) ORDER BY id LIMIT 1', [paid.id, buyer])).rows;
    const otherCount = async () => (await pool.query('SELECT purchase_count, (SELECT count(*)::int FROM content_purchases WHERE content_id = $1) AS n FROM knowledge_contents WHERE id = $1', [moved!.id])).rows[0];
    const otherStart = await otherCount();
    expect(await rpc(ADMIN, 'hp.content.purchase', 'write', [[id], { content_id: moved!.id }])).toBe(true);
    expect([await count(), await otherCount()]).toEqual([{ purchase_count: start.n, n: start.n }, { purchase_count: otherStart.n + 1, n: otherStart.n + 1 }]);
    expect(await rpc(ADMIN, 'hp.content.purchase', 'unlink', [[id]])).toBe(true);
    expect([await count(), await otherCount()]).toEqual([{ purchase_count: start.n, n: start.n }, { purchase_count: otherStart.n, n: otherStart.n }]);
  });

  it("a tag's name is unique with the addon's message", async () => {
    const [tag] = (await pool.query<{ name: string }>('SELECT name FROM content_tags ORDER BY id LIMIT 1')).rows;
    expect(await odooErrorOf(rpc(ADMIN, 'hp.content.tag', 'create', [{ name: tag!.name }]))).toEqual({
      name: 'odoo.exceptions.ValidationError', message: 'The operation cannot be completed: The tag name must be unique.',
    });
  });

  it('members read their own purchases only and published contents plus their own drafts; operators read all', async () => {
    const member = paid.buyerId;
    const own = Number((await pool.query('SELECT count(*)::int AS n FROM content_purchases WHERE buyer_id = $1', [member])).rows[0].n);
    expect(await rpc(member, 'hp.content.purchase', 'search_count', [[]])).toBe(own);
    const [foreign] = (await pool.query<{ id: number }>('SELECT id FROM content_purchases WHERE buyer_id <> $1 ORDER BY id LIMIT 1', [member])).rows;
    expect((await odooErrorOf(rpc(member, 'hp.content.purchase', 'read', [[foreign!.id], ['amount']]))).name).toBe('odoo.exceptions.AccessError');
    expect(await rpc(operator, 'hp.content.purchase', 'search_count', [[]])).toBe(Number((await pool.query('SELECT count(*)::int AS n FROM content_purchases')).rows[0].n));
    const [draft] = (await pool.query<{ id: number; author_id: number }>('SELECT id, author_id FROM knowledge_contents WHERE NOT COALESCE(published, false) AND author_id IS NOT NULL ORDER BY id LIMIT 1')).rows;
    const published = Number((await pool.query('SELECT count(*)::int AS n FROM knowledge_contents WHERE published').then((r) => r.rows[0].n)));
    expect(await rpc(member, 'hp.knowledge.content', 'search_count', [[]])).toBe(published);
    expect((await odooErrorOf(rpc(member, 'hp.knowledge.content', 'read', [[draft!.id], ['title']]))).name).toBe('odoo.exceptions.AccessError');
    const authored = Number((await pool.query('SELECT count(*)::int AS n FROM knowledge_contents WHERE published OR author_id = $1', [draft!.author_id])).rows[0].n);
    expect(await rpc(draft!.author_id, 'hp.knowledge.content', 'search_count', [[]])).toBe(authored);
    expect(await rpc(draft!.author_id, 'hp.knowledge.content', 'read', [[draft!.id], ['title']])).toHaveLength(1);
  });

  it('a paid body reads False for a member who neither bought nor wrote it, and no domain, order or grouping on body reveals it; buyers, the author and operators read it; a free body reads for all', async () => {
    const secret = `secret${phase}${process.pid}`;
    await pool.query('UPDATE knowledge_contents SET body = $2 WHERE id = $1', [paid.id, `<p>The ${secret} method</p>`]);
    const body = async (uid: number) => ((await rpc(uid, 'hp.knowledge.content', 'read', [[paid.id], ['body', 'title']])) as any[])[0];
    expect((await pool.query('SELECT 1 FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, paid.nonBuyerId])).rowCount).toBe(0);
    expect(await body(paid.nonBuyerId)).toEqual({ id: paid.id, body: false, title: paid.title });
    for (const reader of [paid.buyerId, paid.authorId, operator, ADMIN]) expect((await body(reader)).body, `uid ${reader}`).toBe(`<p>The ${secret} method</p>`);
    const oracle = [['body', 'ilike', secret]];
    expect(await rpc(paid.nonBuyerId, 'hp.knowledge.content', 'search', [oracle])).toEqual([]);
    expect(await rpc(paid.nonBuyerId, 'hp.knowledge.content', 'search_count', [[['body', '=', false], ['id', '=', paid.id]]])).toBe(1);
    expect(await rpc(paid.nonBuyerId, 'hp.knowledge.content', 'search_read', [[['id', '=', paid.id]], ['body']])).toEqual([{ id: paid.id, body: false }]);
    const groups = (await rpc(paid.nonBuyerId, 'hp.knowledge.content', 'read_group', [[['id', '=', paid.id]], ['body'], ['body']], { lazy: false })) as any[];
    expect(groups.map((g) => g.body)).toEqual([false]);
    expect(await rpc(paid.buyerId, 'hp.knowledge.content', 'search', [oracle])).toEqual([paid.id]);
    expect(await rpc(operator, 'hp.knowledge.content', 'search', [oracle])).toEqual([paid.id]);
    await pool.query('UPDATE knowledge_contents SET price = 0 WHERE id = $1', [paid.id]);
    try {
      expect((await body(paid.nonBuyerId)).body).toBe(`<p>The ${secret} method</p>`);
    } finally {
      await pool.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [paid.id, paid.price]);
    }
  });
});
