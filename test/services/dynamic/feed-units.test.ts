import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadServiceRoster } from '../../../services/catalog.ts';
import dynamic from '../../../services/dynamic/index.ts';
import { SUMMARY_LIMIT, VERBS } from '../../../services/dynamic/domain/activity-draft.ts';
import { FEED_EVENT_TYPES, feedFactsOf, NOT_FEED_ITEMS } from '../../../services/dynamic/domain/event-activities.ts';
import { CursorError, decodeCursor, encodeCursor } from '../../../services/dynamic/domain/feed-cursor.ts';
import { isVisibleTo } from '../../../services/dynamic/domain/visibility.ts';
import { EVENT_TYPES, toCloudEvent, type CloudEvent, type EventDataMap, type EventType } from '../../../services/kit/index.ts';
import { assertValidEvent } from '../../../services/kit/events/validate-event.ts';

const id = fc.integer({ min: 1, max: 2_000_000 });
const time = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const text = fc.string({ minLength: 1, maxLength: 400 });

/** Valid data for every event type the feed consumes (each checked against its schema below). */
const DATA: { [T in EventType]?: fc.Arbitrary<EventDataMap[T]> } = {
  order_created: fc.record({ orderId: id, name: fc.constant('SO/2026/00001'), customerId: id, serviceId: fc.option(id, { nil: null }), amount: fc.constant('120.00'), currency: fc.constant('CNY'), state: fc.constantFrom('draft' as const, 'pending_payment' as const), orderedAt: time }),
  order_assigned: fc.record({ orderId: id, customerId: id, healthWorkerId: id, assignedVia: fc.constantFrom('operator' as const, 'grab' as const), grabOrderId: fc.option(id, { nil: null }) }),
  service_completed: fc.record({ orderId: id, customerId: id, healthWorkerId: id, serviceId: fc.option(id, { nil: null }), amount: fc.constant('99.50'), currency: fc.constant('CNY'), completedAt: time }),
  user_registered: fc.record({ userId: id, partnerId: id, userType: fc.constant('member' as const), registeredAt: time }),
  content_published: fc.record({ contentId: id, authorId: fc.option(id, { nil: null }), contentType: fc.constantFrom('course' as const, 'article' as const, 'audio' as const, 'video' as const), title: text, price: fc.constant('0'), currency: fc.constant('CNY'), publishedAt: time }),
  question_answered: fc.record({ questionId: id, answerId: id, answererId: id, askerId: id, accepted: fc.boolean() }),
  post_liked: fc.record({ postId: id, authorId: id, likerId: id, groupId: fc.option(id, { nil: null }), likeCount: fc.integer({ min: 1, max: 1000 }) }),
  live_started: fc.record({ streamId: id, hostId: id, title: text, startedAt: time }),
  goal_achieved: fc.record({ goalId: id, userId: id, goalType: fc.constantFrom('steps' as const, 'weight' as const, 'sleep' as const, 'glucose' as const), targetValue: fc.double({ min: 0, max: 1e6, noNaN: true }), currentValue: fc.double({ min: 0, max: 1e6, noNaN: true }), achievedAt: time }),
  community_created: fc.record({ groupId: id, ownerId: id, name: text, privacy: fc.constantFrom('public' as const, 'private' as const) }),
};

const eventOf = <T extends EventType>(type: T) => (DATA[type] as fc.Arbitrary<EventDataMap[T]>).map((data) => toCloudEvent('test', { type, data }, undefined) as CloudEvent);

describe('what each business event becomes in the feed', () => {
  it('every event type is a feed item or deliberately none; the feed consumes every feed item a built service publishes today, and every type it maps', async () => {
    expect([...FEED_EVENT_TYPES, ...Object.keys(NOT_FEED_ITEMS)].sort()).toEqual([...EVENT_TYPES].sort());
    const roster = await loadServiceRoster();
    const published = roster.definitions().flatMap((d) => d.publishes);
    expect(published).toEqual(expect.arrayContaining(['order_created', 'order_assigned', 'service_completed', 'user_registered']));
    const consumed = dynamic.subscriptions.map((s) => s.type).sort();
    for (const type of published) if (!(type in NOT_FEED_ITEMS)) expect(consumed).toContain(type);
    expect(consumed).toEqual([...FEED_EVENT_TYPES].sort());
    expect(Object.keys(DATA).sort()).toEqual(consumed);
  });

  it('activities keep hp_feed\'s rules: private ones reach no one but their actor; orders and goals are private; summaries fit', () => {
    for (const type of FEED_EVENT_TYPES) {
      fc.assert(fc.property(eventOf(type), (event) => {
        assertValidEvent(event);
        const facts = feedFactsOf(event);
        for (const draft of facts.activities) {
          expect(VERBS).toContain(draft.verb);
          expect(draft.summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
          expect(draft.dedupe).toBe(true);
          if (draft.visibility === 'private') expect(draft.toFollowers).toBe(false);
          if (['order_created', 'order_assigned', 'service_completed', 'goal_achieved'].includes(type)) expect(draft.visibility).toBe('private');
          if (draft.visibility === 'private') expect(draft.participants).toEqual([]);
        }
        // An order names both parties in one activity each, never one in the other's.
        if (type === 'order_assigned' || type === 'service_completed') {
          const data = event.data as EventDataMap['order_assigned'];
          expect(new Set(facts.activities.map((a) => a.actorId))).toEqual(new Set([data.customerId, data.healthWorkerId]));
        }
      }), { numRuns: 60 });
    }
  });

  it('order_assigned makes the customer follow their coach and the coach their client', () => {
    const facts = feedFactsOf(toCloudEvent('trade', { type: 'order_assigned', data: { orderId: 5, customerId: 30, healthWorkerId: 246, assignedVia: 'grab', grabOrderId: 1 } }, undefined));
    expect(facts.follows).toEqual([{ followerId: 30, followeeId: 246, reason: 'coach' }, { followerId: 246, followeeId: 30, reason: 'client' }]);
    expect(facts.activities.map((a) => [a.actorId, a.verb])).toEqual([[246, 'took_order'], [30, 'order_assigned']]);
  });

  it('hp_feed\'s record rule: private only for the actor, followers and public for every member', () => {
    expect(isVisibleTo({ visibility: 'private', actorId: 6 }, 6)).toBe(true);
    expect(isVisibleTo({ visibility: 'private', actorId: 6 }, 7)).toBe(false);
    expect(isVisibleTo({ visibility: 'followers', actorId: 6 }, 7)).toBe(true);
    expect(isVisibleTo({ visibility: 'public', actorId: 6 }, 7)).toBe(true);
  });
});

describe('feed cursors', () => {
  const recentKey = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ').replace('Z', ''));
  it('round-trip a position, and only for the feed and order they came from', () => {
    fc.assert(fc.property(id, id, recentKey, fc.nat(100), (userId, entryId, key, version) => {
      const cursor = encodeCursor(userId, 'recent', { key, id: entryId }, version);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, userId, 'recent', version + 1)).toEqual({ key, id: entryId });
      expect(() => decodeCursor(cursor, userId + 1, 'recent', version)).toThrow(CursorError);
      expect(() => decodeCursor(cursor, userId, 'relevance', version)).toThrow(CursorError);
    }));
  });

  it('a relevance cursor is stale once the preferences changed (a 409, not a 400)', () => {
    const cursor = encodeCursor(6, 'relevance', { key: '0.8', id: 12 }, 3);
    expect(decodeCursor(cursor, 6, 'relevance', 3)).toEqual({ key: '0.8', id: 12 });
    const error = (() => { try { decodeCursor(cursor, 6, 'relevance', 4); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(CursorError);
    expect((error as CursorError).stale).toBe(true);
  });

  it('anything else a client sends is refused as a CursorError, never passed to SQL', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json().map((j) => Buffer.from(j).toString('base64url')),
      fc.record({ v: fc.constant(1), u: fc.constant(6), o: fc.constant('recent'), k: fc.string(), i: fc.integer() }).map((b) => Buffer.from(JSON.stringify(b)).toString('base64url'))), (cursor) => {
      try {
        const position = decodeCursor(cursor, 6, 'recent', 0);
        // What passes is a well-formed timestamp and id.
        expect(position.key).toMatch(/^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?)$/);
        expect(Number.isSafeInteger(position.id)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(CursorError);
      }
    }), { numRuns: 500 });
  });
});
