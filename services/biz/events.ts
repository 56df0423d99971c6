import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { BizDatabase } from './db/tables.ts';
import { DASHBOARD_SUBSCRIPTIONS } from './domain/dashboard-events.ts';

/**
 * What the biz service publishes (DESIGN §5 event list, and the workbench's own contracts), each
 * a contract in schemas/events/:
 * - live_started / live_ended: a stream went live or ended (hp.live.stream.action_go_live /
 *   action_end over RPC or REST, or Tencent's live-event callback);
 * - community_created: a community group was created (REST POST /communities/groups, or
 *   hp.community.group create over RPC after M08's cutover);
 * - community_member_changed: a membership was created or changed state (join, leave, ban, over
 *   REST or RPC), with the group's owner, whose workbench counts community growth;
 * - biz_activity: a performance report of a coach or merchant (POST /biz/performance).
 * Nothing produced these on the legacy side (the addons have no hooks and no CDC derives them):
 * REST publishes them in both phases, Odoo RPC from the module's cutover on.
 */
export const BIZ_PUBLISHES = ['live_started', 'live_ended', 'community_created', 'community_member_changed', 'biz_activity'] as const satisfies readonly EventType[];

/**
 * What biz consumes: the workbench's dashboards are kept current from the events of the other
 * services and its own (domain/dashboard-events.ts lists them, one consumer group).
 */
export const BIZ_SUBSCRIPTIONS: SubscriptionDefinition<BizDatabase>[] = [...DASHBOARD_SUBSCRIPTIONS];
