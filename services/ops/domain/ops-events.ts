import type { EventSink, NewEvent } from '../../kit/index.ts';

/** The events ops's use cases publish (events.ts declares them; schemas/events/ holds their contracts). */
export type OpsEventType = 'service_rated';

/** Where a use case's events go (the kit's EventSink): svc_ops's outbox, or nowhere on the legacy side. */
export type OpsEventSink = EventSink<OpsEventType>;

export { NO_EVENTS } from '../../kit/index.ts';

export { isoUtc } from '../../kit/index.ts';
