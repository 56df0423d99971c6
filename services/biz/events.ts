import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { BizDatabase } from './db/tables.ts';

/**
 * What the biz service publishes (DESIGN §5 event list), each a contract in schemas/events/:
 * - live_started: a stream went live (hp.live.stream.action_go_live over RPC, or Tencent's
 *   live-event callback);
 * - community_created: a community group was created (REST POST /communities/groups, or
 *   hp.community.group create over RPC after M08's cutover);
 * - biz_activity: a performance report of a coach or merchant (POST /biz/performance).
 * Nothing produced these on the legacy side (the addons have no hooks and no CDC derives them),
 * so each is published once, by biz, from the module's cutover on (REST publishes in both phases).
 */
export const BIZ_PUBLISHES = ['live_started', 'community_created', 'biz_activity'] as const satisfies readonly EventType[];

/**
 * What biz consumes: the workbench's dashboard is kept current from the other services' events
 * (domain/dashboard-events.ts lists its handlers).
 */
export const BIZ_SUBSCRIPTIONS: SubscriptionDefinition<BizDatabase>[] = [];
