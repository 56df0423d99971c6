import { HttpProblem, defineRoute, problems } from '../../kit/index.ts';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { liveStreamHome } from '../db/biz-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase, LiveStreamState } from '../db/tables.ts';
import { endStreams, goLive } from '../domain/live-streams.ts';
import { verifyCallbackSignature } from '../domain/tencent/callback-signature.ts';
import { callbackSettings, TencentSettingsError } from '../domain/tencent/tencent-settings.ts';
import { systemStreamStore } from './live-access.ts';
import { asProblems, restEventSink, writeInHome } from './rest-access.ts';

/** The fields of CSS's push / interruption callback this endpoint reads (the vendor sends more). */
interface TencentStreamCallback {
  t: number | string;
  sign: string;
  /** 1: the push succeeded (the stream is on air); 0: the push was interrupted. */
  event_type: number;
  /** The stream name: a stream's stream_key. */
  stream_id: string;
  /** The push path (CSS application). */
  appname?: string;
}

export const PUSH_SUCCEEDED = 1;
export const PUSH_INTERRUPTED = 0;

type CallbackOutcome = 'went-live' | 'already-live' | 'ended' | 'already-ended' | 'ignored';

const signatureRefused = (detail: string) => new HttpProblem(403, 'Forbidden', detail, { type: 'https://ficus.dev/problems/callback-signature' });

/** What a callback does to a stream in `state`: the transition to run, or the outcome without one (a replay, or an event the state machine has no step for). */
function decide(eventType: number, state: LiveStreamState): { run: 'go-live' | 'end' } | { outcome: CallbackOutcome } {
  if (eventType === PUSH_SUCCEEDED) return state === 'scheduled' ? { run: 'go-live' } : { outcome: state === 'live' ? 'already-live' : 'ignored' };
  if (eventType === PUSH_INTERRUPTED) return state === 'live' ? { run: 'end' } : { outcome: state === 'ended' ? 'already-ended' : 'ignored' };
  return { outcome: 'ignored' };
}

/**
 * POST /live-streams/callbacks/tencent: Tencent Cloud CSS's stream push callback (configure this
 * URL in the CSS callback template of the push domain, with the callback key of
 * FICUS_TENCENT_LIVE_CALLBACK_KEY). Public but signed: `sign = MD5(key + t)` must match in
 * constant time and `t` (the notification's expiry) must not have passed
 * (domain/tencent/callback-signature.ts); otherwise 403 and nothing is read or written.
 * event_type 1 (push succeeded) runs action_go_live on the stream whose stream_key is stream_id
 * (live_started, in svc_biz's outbox in the request's transaction); event_type 0 (push
 * interrupted) runs action_end; both as the system, where M07's rows live now. A replayed or
 * repeated notification finds the stream already moved and changes nothing (200, `already-…`);
 * unknown streams, other applications' streams and other event types are acknowledged and
 * ignored, so CSS does not retry them. Answers `{"code": 0, …}` as CSS asks.
 */
export const tencentLiveCallback = defineRoute<BizDatabase, TencentStreamCallback>({
  method: 'post',
  path: '/live-streams/callbacks/tencent',
  summary: "Tencent Cloud CSS's signed stream push callback (sign = MD5(key + t)): push succeeded → action_go_live, push interrupted → action_end",
  auth: 'public',
  // Replays are recognised by the stream's state, not by an Idempotency-Key CSS does not send.
  idempotency: 'never',
  body: 'rest/biz/live-callback-tencent.json',
  responses: { 200: 'rest/biz/live-callback-result.json' },
  async handler(ctx) {
    const { body, log } = ctx;
    let settings;
    try {
      settings = callbackSettings();
    } catch (error) {
      if (!(error instanceof TencentSettingsError)) throw error;
      log.error({ setting: error.variable }, 'Tencent Cloud CSS setting unusable');
      throw problems.unavailable('Tencent live callbacks are not configured correctly on this server', 300);
    }
    if (!settings) throw problems.unavailable('Tencent live callbacks are not configured on this server', 300);
    const verdict = verifyCallbackSignature(body, settings.keys, Date.now(), settings.validitySeconds);
    if (!verdict.ok) {
      // The reason only: never the key, the signature given or the one expected.
      log.warn({ reason: verdict.reason }, 'Tencent live callback refused');
      throw signatureRefused(verdict.detail);
    }
    const answer = (outcome: CallbackOutcome, streamId: number | null) => ({ status: 200, body: { code: 0, outcome, streamId } });
    if (body.appname !== undefined && body.appname !== settings.appName) return answer('ignored', null);
    if (body.event_type !== PUSH_SUCCEEDED && body.event_type !== PUSH_INTERRUPTED) return answer('ignored', null);
    return writeInHome(liveStreamHome, ctx, async (rows) => {
      const run = onKysely(rows);
      // Locked before its state is read: a concurrent notification of the same stream waits, then sees this one's outcome.
      const [stream] = await run.raw<{ id: number; state: LiveStreamState }>('SELECT id, state FROM live_streams WHERE stream_key = $1 FOR UPDATE', [body.stream_id]);
      if (!stream) return answer('ignored', null);
      const decision = decide(body.event_type, stream.state);
      if ('outcome' in decision) return answer(decision.outcome, stream.id);
      const store = systemStreamStore(run);
      if (decision.run === 'go-live') {
        await asProblems(goLive(store, restEventSink(ctx), [stream.id], odooNow()));
        return answer('went-live', stream.id);
      }
      await asProblems(endStreams(store, restEventSink(ctx), [stream.id], odooNow()));
      return answer('ended', stream.id);
    });
  },
});

export const LIVE_CALLBACK_ROUTES = [tencentLiveCallback];
