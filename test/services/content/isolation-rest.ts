import type { Area, Target } from './isolation-attempts.ts';

/**
 * The content REST routes' side of the isolation property: what a member's bearer token tries on
 * what another member keeps to themselves, and what must come of it. `route` is the service's
 * `METHOD /path`; an attempt runs once its route is in content's table (the parts land as they are
 * built), and the coverage test names every route that shows or changes such rows and has none.
 */
export interface RestAttempt {
  route: string;
  /** Whose rows are guarded (checked unchanged after the call, besides the verdict). */
  area: Area;
  request(t: Target): { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown };
  /** What is wrong with the answer, or undefined. */
  verdict(status: number, body: unknown, t: Target): string | undefined;
}

const show = (status: number, body: unknown) => `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
/** 404 (the row is not there for the caller) or 403: nothing about the row in either. */
const refusedStatus = (status: number, body: unknown) => ([403, 404].includes(status) ? undefined : show(status, body));

/** The ids a list or search answer names: `items[].id`, or the search's `hits[].id` of one kind. */
function listedIds(body: unknown, kind?: string): number[] {
  if (kind) return ((body as { hits?: { kind: string; id: number }[] } | null)?.hits ?? []).filter((h) => h.kind === kind).map((h) => h.id);
  return ((body as { items?: { id?: number }[] } | null)?.items ?? []).flatMap((i) => (typeof i.id === 'number' ? [i.id] : []));
}

/** A 200 list that names none of the hidden rows (or a refusal). */
const listsNone = (kind?: string) => (status: number, body: unknown, t: Target): string | undefined => {
  if (status === 403) return undefined;
  if (status !== 200) return show(status, body);
  const found = listedIds(body, kind).filter((id) => t.hiddenIds.includes(id));
  return found.length ? `listed hidden rows ${found.slice(0, 10).join(', ')}` : undefined;
};

/** The content read without its body (a paid body the caller neither bought nor wrote), or not at all. */
function noBody(status: number, body: unknown): string | undefined {
  if ([403, 404].includes(status)) return undefined;
  if (status !== 200) return show(status, body);
  const b = (body as { body?: unknown } | null)?.body;
  return b === undefined || b === null || b === '' ? undefined : `showed the body ${JSON.stringify(b).slice(0, 80)}`;
}

const attempt = (route: string, area: Area, request: RestAttempt['request'], verdict: RestAttempt['verdict'] = refusedStatus): RestAttempt => ({ route, area, request, verdict });

export const REST_ATTEMPTS: Record<string, RestAttempt> = {
  // M11: hidden posts and their comments
  'hidden posts listed by state': attempt('GET /communities/posts', 'hidden_posts', () => ({ method: 'GET', path: '/communities/posts?state=hidden&limit=100' }), listsNone()),
  "the victim's hidden posts listed by author": attempt('GET /communities/posts', 'hidden_posts', (t) => ({ method: 'GET', path: `/communities/posts?author_id=${t.victim}&limit=100` }), listsNone()),
  'a hidden post read': attempt('GET /communities/posts/:id', 'hidden_posts', (t) => ({ method: 'GET', path: `/communities/posts/${t.rowId}` })),
  'a hidden post liked': attempt('POST /communities/posts/:id/like', 'hidden_posts', (t) => ({ method: 'POST', path: `/communities/posts/${t.rowId}/like` })),
  'a hidden post hidden again': attempt('POST /communities/posts/:id/hide', 'hidden_posts', (t) => ({ method: 'POST', path: `/communities/posts/${t.rowId}/hide` })),
  'a hidden post commented': attempt('POST /communities/posts/:id/comments', 'hidden_comments', (t) => ({ method: 'POST', path: `/communities/posts/${t.parentId}/comments`, body: { body: 'seen', parentId: t.rowId } })),
  // M12: closed questions and their answers
  'closed questions listed by state': attempt('GET /qna/questions', 'closed_questions', () => ({ method: 'GET', path: '/qna/questions?state=closed&limit=100' }), listsNone()),
  "the victim's questions listed by asker": attempt('GET /qna/questions', 'closed_questions', (t) => ({ method: 'GET', path: `/qna/questions?asker_id=${t.victim}&limit=100` }), listsNone()),
  'a closed question read': attempt('GET /qna/questions/:id', 'closed_questions', (t) => ({ method: 'GET', path: `/qna/questions/${t.rowId}` })),
  'a closed question answered': attempt('POST /qna/questions/:id/answers', 'closed_questions', (t) => ({ method: 'POST', path: `/qna/questions/${t.rowId}/answers`, body: { body: 'late' } })),
  'a closed question closed again': attempt('POST /qna/questions/:id/close', 'closed_questions', (t) => ({ method: 'POST', path: `/qna/questions/${t.rowId}/close` })),
  'an answer of a closed question accepted': attempt('POST /qna/answers/:id/accept', 'closed_answers', (t) => ({ method: 'POST', path: `/qna/answers/${t.rowId}/accept` })),
  'an answer of a closed question voted': attempt('POST /qna/answers/:id/vote', 'closed_answers', (t) => ({ method: 'POST', path: `/qna/answers/${t.rowId}/vote`, body: { vote: 1 } })),
  // M06: drafts, paid bodies, purchases
  "other members' purchases in the caller's list": attempt('GET /contents/purchases', 'purchases', () => ({ method: 'GET', path: '/contents/purchases?limit=100' }), listsNone()),
  'courses listed': attempt('GET /contents/courses', 'drafts', () => ({ method: 'GET', path: '/contents/courses?limit=100' }), listsNone()),
  "the victim's drafts listed by author": attempt('GET /contents/courses', 'drafts', (t) => ({ method: 'GET', path: `/contents/courses?author_id=${t.victim}&limit=100` }), listsNone()),
  'a draft read': attempt('GET /contents/:id', 'drafts', (t) => ({ method: 'GET', path: `/contents/${t.rowId}` })),
  'a draft bought': attempt('POST /contents/:id/purchase', 'drafts', (t) => ({ method: 'POST', path: `/contents/${t.rowId}/purchase`, body: { method: 'points' } })),
  'a paid body read without buying': attempt('GET /contents/:id', 'paid_bodies', (t) => ({ method: 'GET', path: `/contents/${t.rowId}` }), noBody),
  // Search (the one search endpoint over contents, posts and questions): the attacked row's own title as the words
  'a hidden post searched by its title': attempt('GET /search', 'hidden_posts', (t) => ({ method: 'GET', path: `/search?kinds=post&limit=50&q=${encodeURIComponent(t.title ?? '')}` }), listsNone('post')),
  'a closed question searched by its title': attempt('GET /search', 'closed_questions', (t) => ({ method: 'GET', path: `/search?kinds=question&limit=50&q=${encodeURIComponent(t.title ?? '')}` }), listsNone('question')),
  'a draft searched by its title': attempt('GET /search', 'drafts', (t) => ({ method: 'GET', path: `/search?kinds=content&limit=50&q=${encodeURIComponent(t.title ?? '')}` }), listsNone('content')),
};
