import type { LiveStreamState } from '../db/tables.ts';
import type { BizEventSink } from './biz-events.ts';
import { BizRefused } from './biz-refusal.ts';
import { liveEndedEvent, liveStartedEvent } from './live-stream-events.ts';

/**
 * hp.live.stream's state machine (hp_live/models/hp_live_stream.py): action_go_live
 * (scheduled → live, started_at) and action_end (live → ended, ended_at). One implementation for
 * every client: the Odoo face on either side of the cut (odoo/live-behaviour.ts), REST
 * (routes/live-streams.ts) and Tencent's live-event callback (routes/live-callbacks.ts) run these
 * functions over their own LiveStreamStore, which checks access the way its protocol does.
 */

/** `_("Stream '%s' is not scheduled.", stream.title)` */
export const notScheduledMessage = (title: string): string => `Stream '${title}' is not scheduled.`;
/** `_("Stream '%s' is not live.", stream.title)` */
export const notLiveMessage = (title: string): string => `Stream '${title}' is not live.`;

/** What the rules read of a stream. */
export interface LiveStreamFacts {
  id: number;
  host_id: number;
  title: string;
  state: LiveStreamState;
  /** What live_ended reports: when it went live, its takings (numeric, as pg returns it), audience and currency code. */
  started_at: string | Date | null;
  revenue: string | number | null;
  viewer_peak: number | null;
  currency: string | null;
}

/** What the state machine writes. Datetimes as Odoo stores them (UTC, `YYYY-MM-DD HH:MM:SS`). */
export type LiveStreamWrite =
  | { state: 'live'; started_at: string }
  | { state: 'ended'; ended_at: string };

/**
 * Where a use case reads `self` and writes, on the caller's connection and with the caller's
 * checks: `read` is Python's first read of `self` (read ACL and rules, missing ids), `write` is
 * `self.write` (write ACL and rules, then the host rule of live-stream-hosts.ts). `write` gets
 * the state each stream had when read, so a store that does not serialise like Odoo's REPEATABLE
 * READ can refuse a transition another request made in between.
 */
export interface LiveStreamStore {
  read(ids: readonly number[]): Promise<Map<number, LiveStreamFacts>>;
  write(streams: readonly LiveStreamFacts[], vals: LiveStreamWrite): Promise<void>;
}

/** The streams of `ids` in order, once each (a recordset `[a, a]` writes `a` once). */
function distinct(ids: readonly number[], streams: Map<number, LiveStreamFacts>): LiveStreamFacts[] {
  return [...new Set(ids)].map((id) => streams.get(id)!);
}

/**
 * `action_go_live`: every stream must be scheduled ("Stream '<title>' is not scheduled.", the
 * first one that is not, in the recordset's order), then one write of state live and started_at
 * now; live_started is announced for each stream through `events`. Returns the streams as written.
 */
export async function goLive(store: LiveStreamStore, events: BizEventSink, ids: readonly number[], now: string): Promise<LiveStreamFacts[]> {
  const streams = await store.read(ids);
  for (const id of ids) {
    const stream = streams.get(id)!;
    if (stream.state !== 'scheduled') throw new BizRefused('state', notScheduledMessage(stream.title));
  }
  const started = distinct(ids, streams);
  // An empty recordset writes nothing, but `self.write` still checks the write ACL: the store's job.
  await store.write(started, { state: 'live', started_at: now });
  await events.publish(started.map((s) => liveStartedEvent({ streamId: s.id, hostId: s.host_id, title: s.title, startedAt: now })));
  return started.map((s) => ({ ...s, state: 'live' as const }));
}

/**
 * `action_end`: every stream must be live ("Stream '<title>' is not live."), then one write of
 * state ended and ended_at now; live_ended (with the takings and audience as they stand) is
 * announced for each stream through `events`: the workbench counts a host's live revenue from it.
 */
export async function endStreams(store: LiveStreamStore, events: BizEventSink, ids: readonly number[], now: string): Promise<LiveStreamFacts[]> {
  const streams = await store.read(ids);
  for (const id of ids) {
    const stream = streams.get(id)!;
    if (stream.state !== 'live') throw new BizRefused('state', notLiveMessage(stream.title));
  }
  const ended = distinct(ids, streams);
  await store.write(ended, { state: 'ended', ended_at: now });
  await events.publish(ended.map((s) => liveEndedEvent(s, now)));
  return ended.map((s) => ({ ...s, state: 'ended' as const }));
}
