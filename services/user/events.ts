import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { UserDatabase } from './db/tables.ts';

/**
 * What the user service publishes (DESIGN §5 event list), each a contract in schemas/events/:
 * - health_action_recorded: a health record created through POST /users/{id}/health-actions
 *   (consumed by nobody that may see values; dynamic lists it as private health data and ignores it);
 * - goal_achieved: a goal reached, by a health action or hp.health.goal.action_record_progress
 *   over Odoo RPC after cutover (consumed by dynamic: a private "achieved a goal" activity);
 * - device_data_synced: a device's batch of readings ingested (the devices part);
 * - health_data_accessed: a read of M02's rows was audited (domain/health-read-audit.ts writes
 *   the audit row and the event in one statement; consumed by ops into hp.audit.log).
 * Nothing produced M02 events on the legacy side before (hp_personal's `_hp_on_goal_achieved`
 * hook does nothing and no CDC derives them), so each is published once, by the user service.
 */
export const USER_PUBLISHES = ['health_action_recorded', 'goal_achieved', 'device_data_synced', 'health_data_accessed'] as const satisfies readonly EventType[];

/** The user service consumes no events. */
export const USER_SUBSCRIPTIONS: SubscriptionDefinition<UserDatabase>[] = [];
