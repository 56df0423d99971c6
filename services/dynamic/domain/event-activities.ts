import type { CloudEvent, EventDataMap, EventType } from '../../kit/index.ts';
import { headline, type ActivityDraft } from './activity-draft.ts';

/** What an event teaches the feed: activities to record, and who now follows or meets whom. */
export interface FeedFacts {
  activities: ActivityDraft[];
  follows: { followerId: number; followeeId: number; reason: 'coach' | 'client' }[];
  memberships: { groupId: number; userId: number }[];
}

const none = (): Omit<FeedFacts, 'activities'> => ({ follows: [], memberships: [] });
const draft = (d: Omit<ActivityDraft, 'participants' | 'toFollowers' | 'dedupe' | 'summary'> & { summary: string; participants?: number[]; toFollowers?: boolean }): ActivityDraft => ({
  participants: [], toFollowers: false, dedupe: true, ...d, summary: headline(d.summary),
});
const order = (orderId: number) => ({ objectModel: 'hp.service.order', objectId: orderId });

/**
 * Every business event the feed consumes, and what each becomes. Orders are personal: each
 * party gets a private activity of their own (a private activity is shown to its actor only, so
 * "your order was assigned" is the customer's activity, not the coach's), and an order never
 * reaches anyone's followers; an order event also makes the customer follow their coach and the
 * coach their client. Goals are health data: private. What others may see (a new member, a
 * post, an answer, a live stream, a public community) is public and reaches the actor's
 * followers; a like reaches only the liked post's author.
 *
 * Consumed today: order_created, order_assigned, service_completed (trade) and user_registered
 * (auth). The others are the platform design's events that services still to be built will
 * publish; their handlers are ready. Events carrying health measurements, money or operations
 * make no feed item (NOT_FEED_ITEMS below says why for each).
 */
export const FEED_FACTS = {
  order_created: (d: EventDataMap['order_created']): FeedFacts => ({
    ...none(),
    activities: [draft({ actorId: d.customerId, verb: 'ordered', ...order(d.orderId), summary: `ordered ${d.name}`, visibility: 'private' })],
  }),
  order_assigned: (d: EventDataMap['order_assigned']): FeedFacts => ({
    activities: [
      draft({ actorId: d.healthWorkerId, verb: 'took_order', ...order(d.orderId), summary: `took service order #${d.orderId}${d.assignedVia === 'grab' ? ' (grabbed)' : ''}`, visibility: 'private' }),
      draft({ actorId: d.customerId, verb: 'order_assigned', ...order(d.orderId), summary: `service order #${d.orderId} was assigned to a health worker`, visibility: 'private' }),
    ],
    follows: d.customerId === d.healthWorkerId ? [] : [
      { followerId: d.customerId, followeeId: d.healthWorkerId, reason: 'coach' },
      { followerId: d.healthWorkerId, followeeId: d.customerId, reason: 'client' },
    ],
    memberships: [],
  }),
  service_completed: (d: EventDataMap['service_completed']): FeedFacts => ({
    ...none(),
    activities: [
      draft({ actorId: d.customerId, verb: 'completed_order', ...order(d.orderId), summary: `completed service order #${d.orderId}`, visibility: 'private' }),
      draft({ actorId: d.healthWorkerId, verb: 'delivered_service', ...order(d.orderId), summary: `delivered service order #${d.orderId}`, visibility: 'private' }),
    ],
  }),
  user_registered: (d: EventDataMap['user_registered']): FeedFacts => ({
    ...none(),
    activities: [draft({ actorId: d.userId, verb: 'joined', objectModel: 'res.users', objectId: d.userId, summary: 'joined the platform', visibility: 'public', toFollowers: true })],
  }),
  content_published: (d: EventDataMap['content_published']): FeedFacts => ({
    ...none(),
    activities: d.authorId === null ? [] : [draft({
      actorId: d.authorId, verb: 'posted', objectModel: 'hp.knowledge.content', objectId: d.contentId, summary: `published ${d.contentType} "${d.title}"`, visibility: 'public', toFollowers: true,
    })],
  }),
  question_answered: (d: EventDataMap['question_answered']): FeedFacts => ({
    ...none(),
    activities: [draft({
      actorId: d.answererId, verb: 'answered', objectModel: 'hp.qa.answer', objectId: d.answerId, summary: `answered question #${d.questionId}`, visibility: 'public',
      participants: [d.askerId], toFollowers: true,
    })],
  }),
  post_liked: (d: EventDataMap['post_liked']): FeedFacts => ({
    activities: [draft({ actorId: d.likerId, verb: 'liked', objectModel: 'hp.community.post', objectId: d.postId, summary: `liked post #${d.postId}`, visibility: 'public', participants: [d.authorId] })],
    follows: [],
    memberships: d.groupId == null ? [] : [{ groupId: d.groupId, userId: d.likerId }, { groupId: d.groupId, userId: d.authorId }],
  }),
  live_started: (d: EventDataMap['live_started']): FeedFacts => ({
    ...none(),
    activities: [draft({ actorId: d.hostId, verb: 'went_live', objectModel: 'hp.live.stream', objectId: d.streamId, summary: `went live: ${d.title}`, visibility: 'public', toFollowers: true })],
  }),
  goal_achieved: (d: EventDataMap['goal_achieved']): FeedFacts => ({
    ...none(),
    activities: [draft({ actorId: d.userId, verb: 'achieved_goal', objectModel: 'hp.health.goal', objectId: d.goalId, summary: `achieved a ${d.goalType} goal`, visibility: 'private' })],
  }),
  community_created: (d: EventDataMap['community_created']): FeedFacts => ({
    activities: [draft({
      actorId: d.ownerId, verb: 'created_community', objectModel: 'hp.community.group', objectId: d.groupId, summary: `created the community "${d.name}"`,
      visibility: d.privacy === 'public' ? 'public' : 'private', toFollowers: d.privacy === 'public',
    })],
    follows: [],
    memberships: [{ groupId: d.groupId, userId: d.ownerId }],
  }),
} satisfies { [T in EventType]?: (data: EventDataMap[T]) => FeedFacts };

export type FeedEventType = keyof typeof FEED_FACTS;
export const FEED_EVENT_TYPES = Object.keys(FEED_FACTS) as FeedEventType[];

/**
 * The platform's events that make no feed item, and why: health measurements are private health
 * data, money (payments, points, gifts bought) is nobody's news, and operations are the
 * back office's. Every event type is either here or in FEED_FACTS (feed-units.test.ts checks it).
 */
export const NOT_FEED_ITEMS = {
  health_action_recorded: 'health measurements are private health data',
  device_data_synced: 'health measurements are private health data',
  payment_success: 'money: a payment is nobody else\'s news',
  points_awarded: 'money: points balances are private',
  gift_sent: 'money: what a member spends on gifts is private',
  product_purchased: 'money: purchases are private',
  content_purchased: 'money: purchases are private',
  biz_activity: 'operations: the back office\'s, not the members\'',
  ad_clicked: 'operations: the back office\'s, not the members\'',
  inventory_updated: 'operations: the back office\'s, not the members\'',
  service_rated: 'operations: a coach\'s ratings feed the workbench, not the members\' feeds',
  live_ended: 'operations: takings and audience are the host\'s workbench figures',
  community_member_changed: 'operations: membership changes feed the owner\'s workbench',
  health_data_accessed: 'an audit record of who read someone\'s health data: the ops service\'s, never anyone\'s feed',
} as const satisfies { [T in EventType]?: string };

export function feedFactsOf(event: CloudEvent): FeedFacts {
  const facts = (FEED_FACTS as Record<string, ((data: unknown) => FeedFacts) | undefined>)[event.type];
  if (!facts) throw new Error(`the feed does not consume ${event.type}`);
  return facts(event.data);
}
