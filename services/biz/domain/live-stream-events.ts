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

/** What live_ended reports of a stream (live-streams.ts LiveStreamFacts). */
export interface EndedStream {
  id: number;
  host_id: number;
  started_at: string | Date | null;
  revenue: string | number | null;
  viewer_peak: number | null;
  currency: string | null;
}

/**
 * live_ended (schemas/events/live_ended.json) for a stream that just ended at `endedAt`, keyed by
 * the host as live_started is. A stream put live without a start time (by SQL, never by
 * action_go_live) reports its end as its start.
 */
export function liveEndedEvent(stream: EndedStream, endedAt: string | Date): NewEvent<'live_ended'> {
  return {
    type: 'live_ended',
    subject: `hp.live.stream/${stream.id}`,
    key: `user/${stream.host_id}`,
    data: {
      streamId: stream.id,
      hostId: stream.host_id,
      startedAt: isoUtc(stream.started_at ?? endedAt),
      endedAt: isoUtc(endedAt),
      revenue: stream.revenue === null ? '0' : String(stream.revenue),
      currency: stream.currency ?? 'CNY',
      viewerPeak: stream.viewer_peak,
    },
  };
}
