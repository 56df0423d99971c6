import { EVENT_TYPES, type CloudEvent, type EventType, type SubscriptionDefinition } from '../../kit/index.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';

/** The consumer group that counts events for analytics (its own inbox, apart from ops's other consumers). */
export const ANALYTICS_GROUP = 'ops-analytics';

/**
 * Counts one event in its type's UTC hour (the CloudEvent's `time`: when it happened, not when it
 * arrived, so a late event lands in its own hour). Runs in the handler's transaction with the
 * inbox row, so each event counts exactly once however often the transport delivers it.
 */
export async function countEvent(sql: SqlRunner, type: EventType, time: string): Promise<void> {
  await sql.raw(
    `INSERT INTO analytics_event_hours (event_type, hour, events)
     VALUES ($1, date_trunc('hour', $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1)
     ON CONFLICT (event_type, hour) DO UPDATE SET events = analytics_event_hours.events + 1`,
    [type, time],
  );
}

/** Ops ← all (DESIGN §5): every business event type, counted per hour for POST /analytics/reports. */
export const ANALYTICS_SUBSCRIPTIONS: SubscriptionDefinition<OpsDatabase>[] = EVENT_TYPES.map((type) => ({
  type,
  group: ANALYTICS_GROUP,
  handler: async (event: CloudEvent, ctx) => countEvent(onKysely(ctx.db), event.type as EventType, event.time),
}));
