import { odooNow, updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { odooErrorOf, readSelf, recordsMethod, userHasGroup } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { OPERATOR_GROUP, streamCreateRefusal, streamWriteRefusal, type LiveCaller } from '../domain/live-stream-hosts.ts';
import { readLiveStreamFacts, readStreamHosts } from '../domain/live-stream-records.ts';
import { endStreams, goLive, type LiveStreamStore } from '../domain/live-streams.ts';
import type { EventsOfCall } from './outbox.ts';

/** The caller of an ORM call as the host rule sees it: the superuser, settings administrators and operators (admins) manage every stream. */
export async function liveCallerOf(ctx: CallContext): Promise<LiveCaller> {
  const managesAnyStream = ctx.access.superuser || ctx.access.isSystem || (await userHasGroup(ctx.db, ctx.access, OPERATOR_GROUP));
  return { uid: ctx.uid, managesAnyStream };
}

/** `self` of an hp.live.stream method inside an ORM call: reads and writes through the engine (ACLs, rules, and the host rule of beforeWrite). */
function rpcStreamStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): LiveStreamStore {
  return {
    // Python's first read of `self` (ACL, existence, rules), then the columns the rules and events need.
    read: async (ids) => (await readSelf(ctx, behaviours, model, 'live_streams', ids, []), readLiveStreamFacts(onQueryable(ctx.db), ids)),
    write: async (streams, vals) => void (await updateRecords({ ctx, behaviours }, model, streams.map((s) => s.id), { ...vals })),
  };
}

/**
 * hp.live.stream (hp_live/models/hp_live_stream.py): action_go_live and action_end
 * (domain/live-streams.ts; live_started through `options.events`: svc_biz's outbox, nothing on
 * the monolith), and the host rule the monolith lacks (domain/live-stream-hosts.ts) on every
 * create and write, the business methods' writes included: after the ACL, as an AccessError.
 * Defaults (state, the company's currency) come from the addon's sources through the engine.
 */
export function liveStreamBehaviour(behaviours: BehaviourRegistry, options: { events: EventsOfCall }): ModelBehaviour {
  return {
    async beforeCreate(ctx, valsList) {
      const caller = await liveCallerOf(ctx);
      for (const vals of valsList) {
        const refusal = streamCreateRefusal(caller, vals.host_id);
        if (refusal) throw odooErrorOf(refusal);
      }
    },
    async beforeWrite(ctx, ids) {
      const caller = await liveCallerOf(ctx);
      if (caller.managesAnyStream) return;
      const refusal = streamWriteRefusal(caller, await readStreamHosts(onQueryable(ctx.db), ids));
      if (refusal) throw odooErrorOf(refusal);
    },
    methods: {
      action_go_live: recordsMethod('HpLiveStream.action_go_live', [], async (ctx, model, ids) => {
        await goLive(rpcStreamStore(ctx, behaviours, model), options.events(ctx), ids, odooNow());
        return true;
      }),
      action_end: recordsMethod('HpLiveStream.action_end', [], async (ctx, model, ids) => {
        await endStreams(rpcStreamStore(ctx, behaviours, model), options.events(ctx), ids, odooNow());
        return true;
      }),
    },
  };
}

/** The business methods hp_live defines (BIZ_BUSINESS_METHODS' line). */
export const LIVE_BUSINESS_METHODS = { 'hp.live.stream': ['action_go_live', 'action_end'] } as const;
