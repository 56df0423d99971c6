import type { NewEvent } from '../../kit/index.ts';
import { isoUtc } from './biz-events.ts';

export interface StartedStream {
  streamId: number;
  hostId: number;
  title: string;
  /** started_at as Odoo stores it (UTC, no zone) or a Date. */
  startedAt: string | Date;
}

/**
 * live_started (schemas/events/live_started.json), keyed by the host so that a host's events
 * keep their order; dynamic turns it into a public "went live" activity for the host's followers.
 */
export function liveStartedEvent(stream: StartedStream): NewEvent<'live_started'> {
  return {
    type: 'live_started',
    subject: `hp.live.stream/${stream.streamId}`,
    key: `user/${stream.hostId}`,
    data: { streamId: stream.streamId, hostId: stream.hostId, title: stream.title, startedAt: isoUtc(stream.startedAt) },
  };
}
