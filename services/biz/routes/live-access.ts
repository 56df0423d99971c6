import type { Kysely } from 'kysely';
import type { AccessPort } from '../../kit/index.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import { BizRefused } from '../domain/biz-refusal.ts';
import { OPERATOR_GROUP, SYSTEM_GROUP, streamWriteRefusal, type LiveCaller } from '../domain/live-stream-hosts.ts';
import { readLiveStreamFacts } from '../domain/live-stream-records.ts';
import { notLiveMessage, notScheduledMessage, type LiveStreamFacts, type LiveStreamStore, type LiveStreamWrite } from '../domain/live-streams.ts';
import { checkRecords } from './rest-access.ts';

export const LIVE_MODEL = 'hp.live.stream';
export const LIVE_TABLE = 'live_streams';
const LABEL = 'live stream';

/** Odoo's SUPERUSER_ID (OdooBot): who Tencent's signed callback acts as, as a provider's server-to-server call does in Odoo. */
export const SUPERUSER_ID = 1;

/** The caller of a REST request as the host rule sees it: operators (admins imply them) and settings administrators manage every stream. */
export async function liveCallerOfRest(access: AccessPort): Promise<LiveCaller> {
  return { uid: access.uid, managesAnyStream: (await access.hasGroup(OPERATOR_GROUP)) || (await access.hasGroup(SYSTEM_GROUP)) };
}

/**
 * The domain's LiveStreamStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL (404 for a stream that does not exist), the write the write
 * ACL (403, Odoo's AccessError text) and then the host rule (403). The write is one guarded
 * UPDATE (state still the one read), so a concurrent transition is never overwritten.
 */
export function restStreamStore(rows: Kysely<any>, access: AccessPort): LiveStreamStore {
  const run = onKysely(rows);
  return {
    async read(ids) {
      await checkRecords(access, rows, LIVE_MODEL, LIVE_TABLE, 'read', ids, LABEL);
      return readLiveStreamFacts(run, ids);
    },
    async write(streams, vals) {
      await checkRecords(access, rows, LIVE_MODEL, LIVE_TABLE, 'write', streams.map((s) => s.id), LABEL);
      const refusal = streamWriteRefusal(await liveCallerOfRest(access), streams);
      if (refusal) throw refusal;
      await guardedTransition(run, streams, vals, access.uid);
    },
  };
}

/**
 * The system's LiveStreamStore, for Tencent's live-event callback: CSS is authenticated by its
 * signature, not as a user, and moves any stream, as `sudo()` would (written as OdooBot).
 */
export function systemStreamStore(run: SqlRunner): LiveStreamStore {
  return {
    read: (ids) => readLiveStreamFacts(run, ids),
    write: (streams, vals) => guardedTransition(run, streams, vals, SUPERUSER_ID),
  };
}

/**
 * One UPDATE of the streams still in the state they were read in. Odoo would retry a
 * serialization failure and then find the stream moved on, so a stream another request moved in
 * between is refused with the addon's text for the state it is now in.
 */
async function guardedTransition(run: SqlRunner, streams: readonly LiveStreamFacts[], vals: LiveStreamWrite, uid: number): Promise<void> {
  if (!streams.length) return;
  const ids = streams.map((s) => s.id);
  const from = vals.state === 'live' ? 'scheduled' : 'live';
  const at = vals.state === 'live' ? vals.started_at : vals.ended_at;
  const column = vals.state === 'live' ? 'started_at' : 'ended_at';
  const changed = await run.raw<{ id: number }>(
    `UPDATE live_streams SET state = $2, ${column} = $3, write_uid = $4, write_date = (now() at time zone 'UTC')
      WHERE id = ANY($1::int4[]) AND state = $5 RETURNING id`,
    [ids, vals.state, at, uid, from],
  );
  if (changed.length === ids.length) return;
  const moved = streams.find((s) => !changed.some((c) => c.id === s.id))!;
  throw new BizRefused('state', vals.state === 'live' ? notScheduledMessage(moved.title) : notLiveMessage(moved.title));
}
