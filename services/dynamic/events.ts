import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { DynamicDatabase } from './db/tables.ts';
import { feedFactsOf, FEED_EVENT_TYPES } from './domain/event-activities.ts';
import { deliverToFeeds } from './domain/feed-cache.ts';
import { recordActivities, SYSTEM_UID } from './domain/record-activity.ts';
import { learnRelations } from './domain/relations.ts';

/** Dynamic publishes nothing: it is where events end up. */
export const DYNAMIC_PUBLISHES = [] as const satisfies readonly EventType[];

/**
 * Every business event the feed consumes (domain/event-activities.ts says what each becomes),
 * exactly once through the kit's inbox: relations are learnt and, on the service side, the
 * activities recorded in the inbox's transaction; on the monolith's side (M19 still legacy)
 * they commit just before it and are deduped by fact if the event comes again. Once committed,
 * the recipients' feeds get a new generation (cached pages stale) and, in svc_dynamic, the new
 * entries join their lists in the feed memory (domain/feed-cache.ts deliverToFeeds).
 */
export const DYNAMIC_SUBSCRIPTIONS: SubscriptionDefinition<DynamicDatabase>[] = FEED_EVENT_TYPES.map((type) => ({
  type,
  handler: async (event, { db, legacyPool, cache, afterCommit }) => {
    const facts = feedFactsOf(event);
    await learnRelations(db, facts);
    if (!facts.activities.length) return;
    const recorded = await recordActivities(db, legacyPool, facts.activities, SYSTEM_UID);
    if (recorded.recipients.length) afterCommit(() => deliverToFeeds(cache, recorded));
  },
}));
