import { defineRoute, problems } from '../../kit/index.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { readPreferences, storePreferences, type FeedPreferences } from '../domain/preferences.ts';
import { assertMayUseFeedOf } from './feed-access.ts';

const view = (userId: number, p: FeedPreferences) => ({ userId, verbWeights: p.verbWeights, mutedActorIds: p.mutedActorIds, version: p.version, updatedAt: p.updatedAt });

/**
 * PUT /users/{id}/preferences: the user's feed preferences, replaced whole (verb weights, muted
 * actors), in svc_dynamic's own table in every phase (the monolith has no such thing). Only the
 * user sets their own. The feed's cache keys and relevance cursors carry the version, so the
 * next read ranks by the new weights.
 */
export const putPreferences = defineRoute<DynamicDatabase, { verbWeights?: Record<string, number>; mutedActorIds?: number[] }, unknown, { id: number }>({
  method: 'put',
  path: '/users/:id/preferences',
  summary: 'Replace a user\'s feed preferences (verb weights for the ranking, muted actors): own only',
  auth: 'bearer',
  params: 'rest/dynamic/user-id-params.json',
  body: 'rest/dynamic/preferences-update.json',
  responses: { 200: 'rest/dynamic/preferences.json' },
  async handler({ db, params, body, principal }) {
    if (principal!.userId !== params.id) throw problems.forbidden('a user sets only their own preferences');
    const stored = await storePreferences(db, params.id, { verbWeights: body.verbWeights ?? {}, mutedActorIds: body.mutedActorIds ?? [] });
    return { status: 200, body: view(params.id, stored) };
  },
});

/** GET /users/{id}/preferences: own, or anyone's for operators (as the feed). */
export const getPreferences = defineRoute<DynamicDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/users/:id/preferences',
  summary: 'A user\'s feed preferences (own; operators anyone\'s)',
  auth: 'bearer',
  params: 'rest/dynamic/user-id-params.json',
  responses: { 200: 'rest/dynamic/preferences.json' },
  async handler(ctx) {
    await assertMayUseFeedOf(ctx, ctx.params.id, 'read');
    return { status: 200, body: view(ctx.params.id, await readPreferences(ctx.db, ctx.params.id)) };
  },
});
