import type { EventSink, NewEvent } from '../../kit/index.ts';

/** The events biz's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type BizEventType = 'live_started' | 'live_ended' | 'community_created' | 'community_member_changed' | 'biz_activity';

/** Where a use case's events go (the kit's EventSink): svc_biz's outbox, or nowhere on the legacy side. */
export type BizEventSink = EventSink<BizEventType>;

export { NO_EVENTS } from '../../kit/index.ts';

export { isoUtc } from '../../kit/index.ts';
