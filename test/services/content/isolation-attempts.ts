import type pg from 'pg';
import { ACCESS_ERROR, type OdooAnswer } from '../user/support/odoo-protocols.ts';
import { shownIds } from '../ec/isolation-protocols.ts';

/**
 * The Odoo calls of the content isolation property (isolation.property.db.test.ts): what a member
 * tries on what another member keeps to themselves, and what must come of it. hp_knowledge,
 * hp_community and hp_qa ship no record rule (any member reads all of it); content's declared
 * rules close that (services/content/odoo/*-rules.ts, the paid-body guard):
 * - another member's purchases (hp.content.purchase: buyer_id = user),
 * - another author's unpublished content (hp.knowledge.content: published or author_id = user),
 * - another member's hidden or deleted posts (hp.community.post: published or author_id = user),
 * - the comments on them (hp.comment: the post readable, or author_id = user),
 * - another member's closed questions (hp.qa.question: not closed or asker_id = user),
 * - the answers to them (hp.qa.answer: the question readable),
 * - the paid body of a content the member neither bought nor wrote (answered as empty, `False`,
 *   in reads, domains and exports: never the text).
 */

/** What the attempt must end in: a refusal that changes nothing, or an answer that shows nothing hidden. */
export type Expectation = { refused: true } | { shows: (result: unknown, t: Target) => string | undefined };

export interface Attempt {
  model: string;
  method: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
  expect: Expectation;
}

/** Who attacks whom, on which row. */
export interface Target {
  attacker: number;
  /** The member the row belongs to (buyer, author, asker; for comments and answers, of their post or question). */
  victim: number;
  /** The row attacked. */
  rowId: number;
  /** Every row of the area the attacker may not see (what a search must not show). */
  hiddenIds: readonly number[];
  /** A row of the same model the attacker may see (its own, or a public one), for mixed calls. */
  visibleId?: number;
  /** purchases: a published content the victim has not bought (a purchase in their name). */
  contentId?: number;
  /** comments: the hidden post; answers: the closed question. */
  parentId?: number;
  /** paid bodies: a few words of the hidden body (a domain on the body must not find it). */
  bodyWords?: string;
  /** drafts, posts, questions: the row's title (what a search for it would type). */
  title?: string;
}

/** One area: the model, how its hidden rows are found for an attacker, and the rows a refusal must leave alone. */
interface AreaSpec {
  model: string;
  /** SQL: `id, owner` of the rows `$1` (the attacker) may not see, ordered by id. */
  hiddenSql: string;
  /** SQL: one row id of the model `$1` may see (a mixed read must still be refused). */
  visibleSql: string;
  /** SQL: a digest of the rows a refused attempt on row `$1` of member `$2` must leave as they were. */
  guardSql: string;
}

const digest = (select: string) => `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) AS d FROM (${select}) t`;

export const AREAS = {
  purchases: {
    model: 'hp.content.purchase',
    hiddenSql: 'SELECT id, buyer_id AS owner FROM content_purchases WHERE buyer_id <> $1 ORDER BY id',
    visibleSql: 'SELECT min(id) AS id FROM content_purchases WHERE buyer_id = $1',
    guardSql: digest('SELECT id, content_id, buyer_id, amount FROM content_purchases WHERE buyer_id = $2 OR id = $1'),
  },
  drafts: {
    model: 'hp.knowledge.content',
    hiddenSql: 'SELECT id, author_id AS owner FROM knowledge_contents WHERE NOT coalesce(published, false) AND author_id IS DISTINCT FROM $1 ORDER BY id',
    visibleSql: 'SELECT min(id) AS id FROM knowledge_contents WHERE published OR author_id = $1',
    guardSql: digest('SELECT id, title, price, published, published_at, body, purchase_count FROM knowledge_contents WHERE author_id = $2 OR id = $1'),
  },
  hidden_posts: {
    model: 'hp.community.post',
    hiddenSql: "SELECT id, author_id AS owner FROM community_posts WHERE state <> 'published' AND author_id <> $1 ORDER BY id",
    visibleSql: "SELECT min(id) AS id FROM community_posts WHERE state = 'published' OR author_id = $1",
    guardSql: digest('SELECT id, title, body, state, like_count, author_id FROM community_posts WHERE author_id = $2 OR id = $1'),
  },
  hidden_comments: {
    model: 'hp.comment',
    hiddenSql: `SELECT c.id, p.author_id AS owner FROM comments c JOIN community_posts p ON p.id = c.post_id
                 WHERE p.state <> 'published' AND p.author_id <> $1 AND c.author_id IS DISTINCT FROM $1 ORDER BY c.id`,
    visibleSql: "SELECT min(c.id) AS id FROM comments c JOIN community_posts p ON p.id = c.post_id WHERE p.state = 'published' AND $1::int IS NOT NULL",
    guardSql: digest('SELECT c.id, c.body, c.post_id, c.parent_id, c.author_id FROM comments c WHERE c.post_id = (SELECT post_id FROM comments WHERE id = $1) AND $2::int IS NOT NULL'),
  },
  closed_questions: {
    model: 'hp.qa.question',
    hiddenSql: "SELECT id, asker_id AS owner FROM qa_questions WHERE state = 'closed' AND asker_id <> $1 ORDER BY id",
    visibleSql: "SELECT min(id) AS id FROM qa_questions WHERE state <> 'closed' OR asker_id = $1",
    guardSql: digest('SELECT id, title, body, state, accepted_answer_id, bounty_points, asker_id FROM qa_questions WHERE asker_id = $2 OR id = $1'),
  },
  closed_answers: {
    model: 'hp.qa.answer',
    hiddenSql: `SELECT a.id, q.asker_id AS owner FROM qa_answers a JOIN qa_questions q ON q.id = a.question_id
                 WHERE q.state = 'closed' AND q.asker_id <> $1 ORDER BY a.id`,
    visibleSql: "SELECT min(a.id) AS id FROM qa_answers a JOIN qa_questions q ON q.id = a.question_id WHERE q.state <> 'closed' AND $1::int IS NOT NULL",
    guardSql: digest(`SELECT a.id, a.body, a.votes, a.question_id, q.state, q.accepted_answer_id FROM qa_answers a JOIN qa_questions q ON q.id = a.question_id
                       WHERE q.id = (SELECT question_id FROM qa_answers WHERE id = $1) AND $2::int IS NOT NULL`),
  },
  paid_bodies: {
    model: 'hp.knowledge.content',
    hiddenSql: `SELECT k.id, k.author_id AS owner FROM knowledge_contents k
                 WHERE k.published AND coalesce(k.price, 0) > 0 AND k.author_id IS DISTINCT FROM $1 AND coalesce(k.body, '') <> ''
                   AND NOT EXISTS (SELECT 1 FROM content_purchases p WHERE p.content_id = k.id AND p.buyer_id = $1) ORDER BY k.id`,
    visibleSql: 'SELECT min(content_id) AS id FROM content_purchases WHERE buyer_id = $1',
    guardSql: digest('SELECT id, body FROM knowledge_contents WHERE id = $1 AND $2::int IS NOT NULL'),
  },
} as const satisfies Record<string, AreaSpec>;

export type Area = keyof typeof AREAS;
export const AREA_NAMES = Object.keys(AREAS) as Area[];

const refused: Expectation = { refused: true };

/** A search answer (ids, records, pairs, a count) that shows none of the hidden rows. */
const showsNone: Expectation = {
  shows: (result, t) => {
    if (typeof result === 'number') return result === 0 ? undefined : `counted ${result}`;
    const found = shownIds(result).filter((id) => t.hiddenIds.includes(id));
    return found.length ? `showed ${found.slice(0, 10).join(', ')}` : undefined;
  },
};

/** read_group over a domain naming only hidden rows: no group at all (or groups that count nothing). */
const noGroups: Expectation = {
  shows: (result) => {
    const groups = (Array.isArray(result) ? result : []) as Record<string, unknown>[];
    const counted = groups.filter((g) => Object.entries(g).some(([k, v]) => (k === '__count' || k.endsWith('_count')) && typeof v === 'number' && v > 0));
    return counted.length ? `grouped ${JSON.stringify(counted).slice(0, 200)}` : undefined;
  },
};

/** Every record the answer holds for the attacked row has an empty body (False), never its text. */
const bodyHidden: Expectation = {
  shows: (result, t) => {
    const records = (Array.isArray(result) ? result : ((result as { records?: unknown[] } | null)?.records ?? [])) as { id?: number; body?: unknown }[];
    const shown = records.filter((r) => r.id === t.rowId && r.body !== false && r.body !== '' && r.body !== null && r.body !== undefined);
    return shown.length ? `showed the body ${JSON.stringify(shown[0]!.body).slice(0, 80)}` : undefined;
  },
};

/**
 * export_data (the attackers hold the export right, see the property test): the hidden field's
 * column (at `column` of the exported fields) holds none of the hidden values. Only that column:
 * a body repeats its title in its heading, and the title is no secret.
 */
const exportHides = (column: number, values: (t: Target) => readonly string[]): Expectation => ({
  shows: (result, t) => {
    const datas = ((result as { datas?: unknown[][] } | null)?.datas ?? []).map((line) => String(line[column] ?? ''));
    const leaked = values(t).filter((v) => v && datas.some((d) => d.includes(v)));
    return leaked.length ? `exported ${leaked.join(', ')}` : undefined;
  },
});

const call = (model: string, method: string, args: unknown[], expect: Expectation, kwargs?: Record<string, unknown>): Attempt => ({ model, method, args, expect, ...(kwargs ? { kwargs } : {}) });
const withVisible = (t: Target) => (t.visibleId ? [t.visibleId, t.rowId] : [t.rowId]);

/** The reads every record area answers the same way: refused on the row, nothing shown by a search. */
function readAttempts(model: string, t: Target, fields: string[], groupBy: string, areaDomain: unknown[]): Record<string, Attempt> {
  const hiddenSample = t.hiddenIds.slice(0, 40);
  return {
    read: call(model, 'read', [[t.rowId], fields], refused),
    read_with_visible: call(model, 'read', [withVisible(t), ['display_name']], refused),
    web_read: call(model, 'web_read', [[t.rowId]], refused, { specification: { display_name: {} } }),
    search_read_area: call(model, 'search_read', [areaDomain, ['display_name']], showsNone),
    search_ids: call(model, 'search', [[['id', 'in', hiddenSample]]], showsNone),
    search_count_row: call(model, 'search_count', [[['id', '=', t.rowId]]], showsNone),
    web_search_read: call(model, 'web_search_read', [[['id', 'in', hiddenSample]]], showsNone, { specification: { display_name: {} } }),
    name_search: call(model, 'name_search', [''], showsNone, { limit: 5000 }),
    read_group: call(model, 'read_group', [[['id', '=', t.rowId]], [], [groupBy]], noGroups),
    export_data: call(model, 'export_data', [[t.rowId], ['id', 'display_name']], refused),
    copy: call(model, 'copy', [[t.rowId]], refused),
  };
}

/** The Odoo calls of each area against a target. */
export function attemptsOf(area: Area, t: Target): Record<string, Attempt> {
  switch (area) {
    case 'purchases': {
      const m = AREAS.purchases.model;
      return {
        ...readAttempts(m, t, ['content_id', 'buyer_id', 'amount'], 'buyer_id', [['buyer_id', '=', t.victim]]),
        read_group_buyers: call(m, 'read_group', [[], ['amount:sum'], ['buyer_id']], {
          shows: (result) => {
            const others = ((Array.isArray(result) ? result : []) as { buyer_id?: unknown }[]).filter((g) => !(Array.isArray(g.buyer_id) && g.buyer_id[0] === t.attacker));
            return others.length ? `grouped other buyers: ${JSON.stringify(others.slice(0, 5).map((g) => g.buyer_id))}` : undefined;
          },
        }),
        create_for_victim: call(m, 'create', [[{ content_id: t.contentId, buyer_id: t.victim }]], refused),
        unlink: call(m, 'unlink', [[t.rowId]], refused),
      };
    }
    case 'drafts': {
      const m = AREAS.drafts.model;
      return {
        ...readAttempts(m, t, ['title', 'body', 'price'], 'content_type', [['published', '=', false]]),
        action_publish: call(m, 'action_publish', [[t.rowId]], refused),
        write: call(m, 'write', [[t.rowId], { price: 0 }], refused),
        buy: call('hp.content.purchase', 'create', [[{ content_id: t.rowId, buyer_id: t.attacker }]], refused),
      };
    }
    case 'hidden_posts': {
      const m = AREAS.hidden_posts.model;
      return {
        ...readAttempts(m, t, ['title', 'body', 'state'], 'state', [['state', '!=', 'published']]),
        action_like: call(m, 'action_like', [[t.rowId]], refused),
        action_hide: call(m, 'action_hide', [[t.rowId]], refused),
        write: call(m, 'write', [[t.rowId], { state: 'published' }], refused),
        comment_on_it: call('hp.comment', 'create', [[{ post_id: t.rowId, author_id: t.attacker, body: 'seen' }]], refused),
        unlink: call(m, 'unlink', [[t.rowId]], refused),
      };
    }
    case 'hidden_comments': {
      const m = AREAS.hidden_comments.model;
      return {
        ...readAttempts(m, t, ['body', 'author_id', 'post_id'], 'author_id', [['post_id', '=', t.parentId]]),
        search_by_post_state: call(m, 'search_read', [[['post_id.state', '!=', 'published']], ['body']], showsNone),
        post_comment_ids: call('hp.community.post', 'read', [[t.parentId], ['comment_ids']], refused),
        write: call(m, 'write', [[t.rowId], { body: 'changed' }], refused),
        reply: call(m, 'create', [[{ post_id: t.parentId, parent_id: t.rowId, author_id: t.attacker, body: 'reply' }]], refused),
      };
    }
    case 'closed_questions': {
      const m = AREAS.closed_questions.model;
      return {
        ...readAttempts(m, t, ['title', 'body', 'state'], 'state', [['state', '=', 'closed']]),
        action_close: call(m, 'action_close', [[t.rowId]], refused),
        write: call(m, 'write', [[t.rowId], { state: 'open' }], refused),
        answer_it: call('hp.qa.answer', 'create', [[{ question_id: t.rowId, answerer_id: t.attacker, body: 'late' }]], refused),
        unlink: call(m, 'unlink', [[t.rowId]], refused),
      };
    }
    case 'closed_answers': {
      const m = AREAS.closed_answers.model;
      return {
        ...readAttempts(m, t, ['body', 'votes', 'question_id'], 'question_id', [['question_id', '=', t.parentId]]),
        search_by_question_state: call(m, 'search_read', [[['question_id.state', '=', 'closed']], ['body']], showsNone),
        action_vote: call(m, 'action_vote', [[t.rowId]], refused, { delta: 1 }),
        action_accept: call(m, 'action_accept', [[t.rowId]], refused),
        write: call(m, 'write', [[t.rowId], { body: 'changed' }], refused),
      };
    }
    case 'paid_bodies': {
      const m = AREAS.paid_bodies.model;
      const row = [['id', '=', t.rowId]];
      return {
        read: call(m, 'read', [[t.rowId], ['title', 'body']], bodyHidden),
        read_with_visible: call(m, 'read', [withVisible(t), ['body']], bodyHidden),
        search_read: call(m, 'search_read', [row, ['body']], bodyHidden),
        web_read: call(m, 'web_read', [[t.rowId]], bodyHidden, { specification: { body: {} } }),
        web_search_read: call(m, 'web_search_read', [row], bodyHidden, { specification: { body: {} } }),
        search_body_words: call(m, 'search_count', [[...row, ['body', 'ilike', t.bodyWords ?? '']]], showsNone),
        search_body_set: call(m, 'search', [[...row, ['body', '!=', false]]], showsNone),
        export_data: call(m, 'export_data', [[t.rowId], ['title', 'body']], exportHides(1, (x) => [x.bodyWords ?? ''])),
      };
    }
  }
}

/** The labels of an area's attempts (they do not depend on the target). */
export const attemptLabels = (area: Area): string[] => Object.keys(attemptsOf(area, { attacker: 1, victim: 2, rowId: 1, hiddenIds: [1] }));

/** The target of a draw on the current rows: the `row`-th row the attacker may not see, with what the attempts need. */
export async function targetOf(pool: pg.Pool, area: Area, attacker: number, row: number): Promise<Target> {
  const spec = AREAS[area];
  const hidden = (await pool.query<{ id: number; owner: number }>(spec.hiddenSql, [attacker])).rows;
  if (!hidden.length) throw new Error(`no row of ${area} is hidden from user ${attacker}`);
  const chosen = hidden[row % hidden.length]!;
  const visibleId = (await pool.query<{ id: number | null }>(spec.visibleSql, [attacker])).rows[0]?.id ?? undefined;
  const target: Target = { attacker, victim: chosen.owner, rowId: chosen.id, hiddenIds: hidden.map((h) => h.id), ...(visibleId ? { visibleId } : {}) };
  if (area === 'purchases') {
    const { rows } = await pool.query<{ id: number }>(
      'SELECT min(k.id) AS id FROM knowledge_contents k WHERE k.published AND NOT EXISTS (SELECT 1 FROM content_purchases p WHERE p.content_id = k.id AND p.buyer_id = $1)',
      [chosen.owner],
    );
    target.contentId = rows[0]!.id;
  }
  if (area === 'hidden_comments') target.parentId = (await pool.query<{ p: number }>('SELECT post_id AS p FROM comments WHERE id = $1', [chosen.id])).rows[0]!.p;
  if (area === 'closed_answers') target.parentId = (await pool.query<{ p: number }>('SELECT question_id AS p FROM qa_answers WHERE id = $1', [chosen.id])).rows[0]!.p;
  const titled = { drafts: 'knowledge_contents', hidden_posts: 'community_posts', closed_questions: 'qa_questions' } as const;
  if (area in titled) target.title = (await pool.query<{ t: string }>(`SELECT title AS t FROM ${titled[area as keyof typeof titled]} WHERE id = $1`, [chosen.id])).rows[0]!.t;
  if (area === 'paid_bodies') {
    // A run of words from the middle of the text, past the tags: what a domain on the body would probe for.
    const { rows } = await pool.query<{ body: string }>('SELECT body FROM knowledge_contents WHERE id = $1', [chosen.id]);
    const text = rows[0]!.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    target.bodyWords = text.slice(Math.floor(text.length / 3), Math.floor(text.length / 3) + 8).trim();
  }
  return target;
}

/** The rows a refused attempt must leave exactly as they were. */
export async function guardedRows(pool: pg.Pool, area: Area, t: Target): Promise<string> {
  return (await pool.query<{ d: string }>(AREAS[area].guardSql, [t.rowId, t.victim])).rows[0]!.d;
}

/** What is wrong with the answer and the rows after it, or undefined. */
export function breachOf(attempt: Attempt, target: Target, answer: OdooAnswer, before: string, after: string): string | undefined {
  if (before !== after) return `the guarded rows changed (answer ${answer.raw.slice(0, 200)})`;
  if ('refused' in attempt.expect) {
    if (answer.ok) return `accepted: ${answer.raw.slice(0, 200)}`;
    if (answer.error === ACCESS_ERROR) return undefined;
    return `refused with ${answer.error}, not an AccessError: ${answer.raw.slice(0, 200)}`;
  }
  if (!answer.ok) return `failed: ${answer.error} ${answer.raw.slice(0, 200)}`;
  return attempt.expect.shows(answer.result, target);
}
