import { CompiledQuery, type Kysely } from 'kysely';
import { defineRoute, HttpProblem, loadSearchSettings, problems, searchBackendFromSettings, type AccessPort, type OdooCalls, type RouteContext, type SearchBackend, type SearchHit, type SearchKind, type SearchPool, type SearchSettings } from '../../kit/index.ts';
import { communityHome, knowledgeHome, qaHome } from '../db/content-home.ts';
import type { ContentDatabase } from '../db/tables.ts';
import { KIND_SOURCES } from '../domain/search-documents.ts';
import { mayReadProducts, readableProducts } from '../domain/search-products.ts';
import { SEARCH_KINDS } from '../domain/search-source.ts';
import { rulesSql } from './rest-access.ts';

interface SearchQueryString {
  q?: string;
  kinds?: string;
  tags?: string;
  sort: 'relevance' | 'recent';
  limit: number;
  offset: number;
}

/** Operators and admins find every document of the kinds they may read (they read every record of them). */
const STAFF_GROUPS = ['hp_account.group_hp_operator', 'hp_account.group_hp_admin'];

/** A query builder as the search backend's reader (searching needs no connection of its own). */
function readerPool(db: Kysely<any>): SearchPool {
  return {
    async query(text, values = []) {
      const { rows } = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: rows as any[] };
    },
    connect() {
      throw new Error('search: a REST reader does not write the index');
    },
  };
}

/** One backend per process for OpenSearch (its client keeps connections); PostgreSQL reads through the request's builder. */
let settings: SearchSettings | undefined;
let openSearch: Promise<SearchBackend> | undefined;
async function backendFor(db: Kysely<any>): Promise<SearchBackend> {
  settings ??= loadSearchSettings();
  if (settings.backend === 'postgres') return searchBackendFromSettings(settings, { pool: readerPool(db) });
  openSearch ??= searchBackendFromSettings(settings, { pool: readerPool(db) });
  return openSearch;
}

/** The kinds the caller asked for (all by default) that their access rights let them read. */
async function readableKinds(access: AccessPort, asked: string | undefined, odoo: OdooCalls | null): Promise<SearchKind[]> {
  const wanted = asked ? [...new Set(asked.split(',') as SearchKind[])] : [...SEARCH_KINDS];
  const readable: SearchKind[] = [];
  for (const kind of wanted) {
    if (kind === 'product') {
      // Products are not content's: asked through the gateway (no gateway beside the service: none to find).
      if (odoo && (await mayReadProducts(odoo, access.uid))) readable.push(kind);
    } else if (await access.may(KIND_SOURCES[kind].model, 'read')) readable.push(kind);
  }
  // Kinds named explicitly and none of them readable: the caller may not search there at all.
  if (asked && !readable.length) {
    const models = wanted.map((kind) => KIND_SOURCES[kind].model).join(', ');
    throw problems.forbidden(`You are not allowed to access ${models} (user ${access.uid}).`);
  }
  return readable;
}

/** Where each of content's kinds lives now: its module's home. */
async function rowsOf(ctx: Pick<RouteContext<ContentDatabase>, 'db' | 'legacyPool'>, kind: Exclude<SearchKind, 'product'>): Promise<Kysely<any>> {
  switch (kind) {
    case 'content': return knowledgeHome.readerNow(ctx);
    case 'post': return communityHome.readerNow(ctx);
    case 'question': return qaHome.readerNow(ctx);
  }
}

/**
 * The hits the caller may read by the record rules, where the records live now: the index's
 * audience already filtered them, but it may trail a write (a post hidden a moment ago), so
 * each hit is checked again, and one that no longer passes (or no longer exists) is dropped.
 */
async function readableHits(ctx: Pick<RouteContext<ContentDatabase>, 'db' | 'legacyPool' | 'platform'>, access: AccessPort, hits: readonly SearchHit[]): Promise<SearchHit[]> {
  const allowed = new Set<string>();
  for (const kind of new Set(hits.map((h) => h.kind))) {
    const ids = hits.filter((h) => h.kind === kind).map((h) => h.id);
    if (kind === 'product') {
      for (const id of await readableProducts(ctx.platform.odoo!, access.uid, ids)) allowed.add(`product:${id}`);
      continue;
    }
    const rows = await rowsOf(ctx, kind);
    const { model, table } = KIND_SOURCES[kind];
    const rules = await rulesSql(access, rows, model, 'read', 'r', 1);
    const { rows: found } = await rows.executeQuery<{ id: number }>(
      CompiledQuery.raw(`SELECT r.id FROM ${table} AS r WHERE r.id = ANY($1::int4[]) AND (${rules.sql})`, [ids, ...rules.parameters]));
    for (const row of found) allowed.add(`${kind}:${row.id}`);
  }
  return hits.filter((h) => allowed.has(`${h.kind}:${h.id}`));
}

/**
 * GET /search: one search over knowledge contents, community posts, questions and the mall's
 * products (issue 23), on the backend the settings choose. The kinds are limited to those the
 * caller's access rights read; the index filters documents by their audience before ranking and
 * counting; the page's hits are checked against the record rules where the records live.
 */
export const searchRoute = defineRoute<ContentDatabase, unknown, SearchQueryString>({
  method: 'get',
  path: '/search',
  summary: 'Full-text search over contents, posts, questions and mall products, ranked, with highlights',
  auth: 'bearer',
  query: 'rest/content/search-query.json',
  responses: { 200: 'rest/content/search-results.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { limit, offset } = ctx.query;
    const kinds = await readableKinds(access, ctx.query.kinds, ctx.platform.odoo);
    const staff = (await Promise.all(STAFF_GROUPS.map((group) => access.hasGroup(group)))).some(Boolean);
    const tags = ctx.query.tags?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
    const backend = await backendFor(ctx.db);
    const results = await backend.search({ q: ctx.query.q ?? '', kinds, tags, sort: ctx.query.sort, viewer: { userId: access.uid, staff }, limit, offset }).catch((error: unknown) => {
      // No documents table yet: the index was never built here (not an empty answer: "not yet").
      if ((error as { code?: string }).code === '42P01') throw new HttpProblem(503, 'Service Unavailable', 'The search index is not built yet: the content service builds it at start with SEARCH_INDEXING=on, or run `ficus search rebuild`.', { headers: { 'retry-after': '10' } });
      throw error;
    });
    const hits = await readableHits(ctx, access, results.hits);
    return { status: 200, body: { total: Math.max(0, results.total - (results.hits.length - hits.length)), limit, offset, hits } };
  },
});

export const SEARCH_ROUTES = [searchRoute];
