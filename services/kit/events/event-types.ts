/**
 * The `data` of each domain event type, as TypeScript. The JSON Schemas in `schemas/events/`
 * are the contract (validated on publish and consume); these types let the compiler check
 * publishers. test/services/event-schemas.test.ts keeps the two lists equal.
 */
type Id = number;
/** Decimal as a string, as legacy `numeric` columns hold it. */
type Money = string;
/** ISO 8601 date-time. */
type Time = string;

export interface EventDataMap {
  health_action_recorded: {
    recordId: Id; userId: Id; recordType: 'steps' | 'heart_rate' | 'blood_pressure' | 'blood_glucose' | 'weight' | 'sleep_hours';
    value: number; value2?: number | null; unit?: string | null; measuredAt: Time; source: 'manual' | 'device' | 'coach'; deviceBindingId?: Id | null;
  };
  goal_achieved: { goalId: Id; userId: Id; goalType: 'steps' | 'weight' | 'sleep' | 'glucose'; targetValue: number; currentValue: number; achievedAt: Time };
  device_data_synced: { bindingId: Id; userId: Id; deviceType: 'watch' | 'band' | 'scale' | 'glucometer' | 'bp_monitor'; vendor?: string | null; recordCount: number; syncedAt: Time };
  order_created: { orderId: Id; name: string; customerId: Id; serviceId: Id | null; amount: Money; currency: string; state: 'draft' | 'pending_payment'; orderedAt: Time };
  order_assigned: { orderId: Id; customerId: Id; healthWorkerId: Id; assignedVia: 'operator' | 'grab'; grabOrderId?: Id | null };
  service_completed: { orderId: Id; customerId: Id; healthWorkerId: Id; serviceId?: Id | null; amount: Money; currency: string; completedAt: Time };
  content_published: { contentId: Id; authorId: Id | null; contentType: 'course' | 'article' | 'audio' | 'video'; title: string; price: Money; currency: string; tagIds?: Id[]; publishedAt: Time };
  content_purchased: {
    purchaseId: Id; contentId: Id; buyerId: Id; authorId: Id | null; amount: Money; currency: string; paymentId?: Id | null;
    method?: 'wechat' | 'alipay' | 'card' | 'points' | null; purchasedAt: Time;
  };
  question_answered: { questionId: Id; answerId: Id; answererId: Id; askerId: Id; accepted: boolean };
  post_liked: { postId: Id; authorId: Id; likerId: Id; groupId?: Id | null; likeCount: number };
  live_started: { streamId: Id; hostId: Id; title: string; startedAt: Time };
  community_created: { groupId: Id; ownerId: Id; name: string; privacy: 'public' | 'private' };
  biz_activity: {
    ownerId: Id; kind: 'service_sold' | 'content_sold' | 'live_income' | 'community_joined' | 'product_sold' | 'ad_spend';
    refModel: string; refId: Id; amount?: Money; currency?: string; occurredAt: Time;
  };
  product_purchased: {
    orderId: Id; name: string; buyerId: Id; lines: { productId: Id; quantity: number; priceUnit: Money; subtotal: Money }[]; amountTotal: Money; currency: string;
  };
  ad_clicked: { campaignId: Id; impressionId: Id; userId: Id | null; cost: Money; currency: string };
  inventory_updated: { inventoryId: Id; productId: Id; warehouse: string; quantity: number; reserved: number };
  payment_success: {
    paymentId: Id; reference: string; payerId: Id | null; amount: Money; currency: string; method: 'wechat' | 'alipay' | 'card' | 'points';
    sourceModel: string | null; sourceId: number | null; paidAt: Time;
  };
  points_awarded: {
    transactionId: Id; userId: Id; delta: number; balanceAfter: number; reason: 'order' | 'checkin' | 'goal' | 'gift' | 'redeem' | 'adjust';
    refModel?: string | null; refId?: number | null;
  };
  gift_sent: { giftOrderId: Id; giftId: Id; senderId: Id; receiverId: Id; streamId?: Id | null; quantity: number; pointsSpent: number };
  user_registered: { userId: Id; partnerId: Id; userType: 'member'; registeredAt: Time };
  service_rated: { ratingId: Id; coachId: Id; orderId: Id | null; raterId?: Id | null; score: 1 | 2 | 3 | 4 | 5; ratedAt: Time };
  live_ended: { streamId: Id; hostId: Id; startedAt: Time; endedAt: Time; revenue: Money; currency: string; viewerPeak?: number | null };
  community_member_changed: {
    memberId: Id; groupId: Id; userId: Id; groupOwnerId: Id | null; role?: 'owner' | 'admin' | 'member'; state: 'active' | 'left' | 'banned'; joinedAt: Time;
  };
  health_data_accessed: {
    auditId: Id; actorUid: Id; subjectUids: Id[] | null; model: 'hp.health.record' | 'hp.device.binding' | 'hp.health.goal' | 'hp.assessment';
    queryKind: string; protocol: 'rest' | 'fhir' | 'xmlrpc' | 'xmlrpc-legacy' | 'jsonrpc' | 'web' | 'json2' | 'internal'; outcome: 'granted' | 'refused';
    rowCount: number | null; readAt: Time; requestId: string | null;
  };
}

export type EventType = keyof EventDataMap;

export const EVENT_TYPES = [
  'health_action_recorded', 'goal_achieved', 'device_data_synced', 'order_created', 'order_assigned', 'service_completed',
  'content_published', 'content_purchased', 'question_answered', 'post_liked', 'live_started', 'community_created', 'biz_activity',
  'product_purchased', 'ad_clicked', 'inventory_updated', 'payment_success', 'points_awarded', 'gift_sent',
  'user_registered', 'service_rated', 'live_ended', 'community_member_changed', 'health_data_accessed',
] as const satisfies readonly EventType[];
