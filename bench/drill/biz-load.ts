import { emptyCallFigures, type DrillCall } from './call-recorder.ts';
import { bizRestCalls } from './biz-rest-calls.ts';
import { bizRestClient } from './biz-rest-client.ts';
import { BIZ_CHANNELS, type BizChannel, type BizLoadOptions, type BizLoadReport, type MembershipState, type StreamState, type TrackedGroup, type TrackedMembership, type TrackedStream } from './biz-load-types.ts';
import { pacedLoad } from './paced-load.ts';
import { expectRefusal, readBackQueue } from './read-backs.ts';
import { rpcLogins, type RpcLogin } from './rpc-logins.ts';

export type { BizChannel, BizLoadOptions, BizLoadReport, StaleRead, TrackedGroup, TrackedMembership, TrackedStream } from './biz-load-types.ts';

/** hp_live's refusals (action_go_live of a stream not scheduled, action_end of one not live). */
const NOT_SCHEDULED = /is not scheduled/;
const NOT_LIVE = /is not live/;
/** hp_community_biz's `group_user_uniq`: a second membership of the same user in the same group. */
const ALREADY_MEMBER = /already a member of the group/;

const rand = (max: number) => Math.floor(Math.random() * max);
/** Odoo's datetime text (UTC) `seconds` from now. */
const odooDatetime = (secondsFromNow: number) => new Date(Date.now() + secondsFromNow * 1000).toISOString().slice(0, 19).replace('T', ' ');
/** A many2one as read answers it ([id, name] or false): its id. */
const idOf = (value: unknown): number | false => (Array.isArray(value) ? Number(value[0]) : false);

/**
 * Mixed M03 + M07 + M08 traffic through the gateway, open loop (open-loop.ts: calls start on
 * schedule whatever the answers take; late starts counted). Members, coaches and operators
 * alternate XML-RPC and JSON-RPC. Per ten calls, four are writes, each read back by the client that
 * made it over the same protocol (a row it does not show, or shows without the write, is a stale
 * read; a row is never written again before its read-back is answered):
 *
 * - a coach's live stream lifecycle (hp.live.stream): create (half with a stream key of the
 *   client's), a viewer peak written, action_go_live, the peak written again while live,
 *   action_end on three in four, and the addon's refusals asked for on purpose (going live again
 *   once ended, ending one still scheduled): answers, not failures;
 * - a member's membership lifecycle (hp.community.member) in a group a drill coach created
 *   (hp.community.group create, its member_count read back as 0): join (create), then leave
 *   (action_leave), banned by an operator (action_ban) or kept active, and after leaving or a ban
 *   a second join that the addon's unique constraint refuses;
 * - with REST writes on, a REST write of the routes the service has (biz-rest-calls.ts), else
 *   another stream or membership step.
 *
 * The other six calls are the read-backs, else reads of all four models: streams scheduled or
 * live, a coach's own streams, public groups with their counts, groups by name, a member's
 * memberships, a group's active members counted, a coach's dashboards (the rule shows its own),
 * an operator's dashboards and streams grouped (read_group), and the REST reads the service has.
 * Any error other than an expected refusal is a failed call.
 */
export async function startBizLoad(o: BizLoadOptions) {
  const report: BizLoadReport = {
    ...emptyCallFigures(BIZ_CHANNELS), streams: [], groups: [], memberships: [], readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], memberIds: [], coachIds: [],
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  const coaches = await rpcLogins(o.gatewayUrl, o.database, 'coach', o.coaches);
  // operator001 is also an admin: the drill's operators are operator002… (operator rights only).
  const operators = (await rpcLogins(o.gatewayUrl, o.database, 'operator', o.operators + 1)).slice(1);
  report.memberIds = members.map((m) => m.uid);
  report.coachIds = coaches.map((c) => c.uid);
  const restUsed = new Set<string>();

  /** The next steps of lifecycles. */
  const streamSteps: DrillCall<BizChannel>[] = [];
  const membershipSteps: DrillCall<BizChannel>[] = [];
  /** Members with a membership write or its read-back in flight: one at a time each, so a read-back that differs is the gateway's doing. */
  const busy = new Set<string>();
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<BizChannel>(report, busy);
  /** Runs `call`, turning the addon's refusal `expected` into an answer (recorded); anything else, or no refusal, fails. */
  const refused = (method: string, expected: RegExp, call: () => Promise<unknown>, what: string) => expectRefusal(report.refusals, method, expected, call, what);

  const member = (k: number) => members[k % members.length]!;
  const coach = (k: number) => coaches[k % coaches.length]!;
  const operator = (k: number) => operators[k % operators.length]!;
  /** Groups a drill coach created whose creation was read back: members join only those. */
  const openGroups: TrackedGroup[] = [];
  const groupsById = new Map<number, TrackedGroup>();

  // With REST, a quarter of the members (at least two) are REST's: one write at a time per member, whichever protocol.
  const restMembers = o.restUrl ? members.slice(members.length - Math.max(2, Math.floor(members.length / 4))) : [];
  const rpcMembers = members.slice(0, members.length - restMembers.length);
  const rest = o.restUrl
    ? bizRestCalls({
        rest: bizRestClient(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), report, runTag: o.runTag, used: restUsed, queueReadBack,
        members: restMembers.map((m) => m.uid), readers: report.memberIds, coaches: report.coachIds, openGroups: () => openGroups, groupOpened: (g) => openGroups.push(g),
      })
    : undefined;

  const readCall = (k: number): DrillCall<BizChannel> => {
    const m = member(k);
    const c = coach(k);
    const op = operator(k);
    const group = openGroups[k % Math.max(1, openGroups.length)];
    switch (k % 10) {
      case 0:
        return { method: 'hp.live.stream.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.live.stream', 'search_read', [[['state', 'in', ['scheduled', 'live']]]], { fields: ['title', 'host_id', 'state', 'scheduled_at', 'viewer_peak'], limit: 10 })) };
      case 1:
        return { method: 'hp.live.stream.search_read (host)', channel: c.channel, write: false, run: async () => void (await c.exec('hp.live.stream', 'search_read', [[['host_id', '=', c.uid]]], { fields: ['title', 'state', 'started_at', 'ended_at', 'viewer_peak', 'revenue'], limit: 10 })) };
      case 2:
        return { method: 'hp.community.group.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.community.group', 'search_read', [[['privacy', '=', 'public']]], { fields: ['name', 'owner_id', 'member_count', 'fee'], limit: 20 })) };
      case 3:
        return { method: 'hp.community.group.name_search', channel: m.channel, write: false, run: async () => void (await m.exec('hp.community.group', 'name_search', [], { name: k % 2 ? 'Club' : 'Drill', limit: 8 })) };
      case 4:
        return { method: 'hp.community.member.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.community.member', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['group_id', 'role', 'state', 'joined_at'] })) };
      case 5:
        return {
          method: 'hp.community.member.search_count', channel: m.channel, write: false,
          run: async () => void (await m.exec('hp.community.member', 'search_count', [[['group_id', '=', group?.id ?? 1 + (k % 20)], ['state', '=', 'active']]])),
        };
      case 6:
        // Coaches read their own dashboards (the addon's record rule), newest period first.
        return { method: 'hp.biz.dashboard.search_read (coach)', channel: c.channel, write: false, run: async () => void (await c.exec('hp.biz.dashboard', 'search_read', [[]], { fields: ['owner_id', 'period', 'revenue', 'orders_count', 'new_clients', 'rating_avg'], limit: 6 })) };
      case 7:
        return { method: 'hp.biz.dashboard.read_group (operator)', channel: op.channel, write: false, run: async () => void (await op.exec('hp.biz.dashboard', 'read_group', [[], ['revenue:sum', 'orders_count:sum'], ['period']], { lazy: true })) };
      case 8:
        return { method: 'hp.live.stream.read_group (operator)', channel: op.channel, write: false, run: async () => void (await op.exec('hp.live.stream', 'read_group', [[], ['viewer_peak:max'], ['state']], { lazy: true })) };
      default:
        return rest?.read(k) ?? {
          method: 'hp.community.group.read', channel: m.channel, write: false,
          run: async () => void (await m.exec('hp.community.group', 'read', [[group?.id ?? 1 + (k % 20)], ['name', 'privacy', 'member_count', 'owner_id']])),
        };
    }
  };

  let streamNo = 0;
  /** A coach's stream from create to end, each step read back before the next is sent. */
  const streamLifecycle = (): DrillCall<BizChannel> => {
    const k = streamNo++;
    const c = coach(k);
    const stream: TrackedStream = { id: 0, hostId: c.uid, title: `Drill ${o.runTag} stream ${k}`, streamKey: k % 2 === 0 ? `drill-${o.runTag}-${k}` : null, state: 'scheduled', viewerPeak: 0, via: `rpc (${c.channel})` };
    const checkStream = (writtenAt: number, next?: () => DrillCall<BizChannel> | undefined) => {
      const expected = { ...stream };
      readBack(c, 'hp.live.stream', stream.id, ['title', 'host_id', 'state', 'viewer_peak', 'started_at', 'ended_at', 'stream_key'], writtenAt, (row) => {
        const started = row.started_at !== false && row.started_at !== null;
        const ended = row.ended_at !== false && row.ended_at !== null;
        if (row.state !== expected.state || row.title !== expected.title || idOf(row.host_id) !== expected.hostId || Number(row.viewer_peak || 0) !== expected.viewerPeak) {
          return `reads ${String(row.state)} "${String(row.title)}" host ${String(idOf(row.host_id))} peak ${String(row.viewer_peak)}, wrote ${expected.state} "${expected.title}" host ${expected.hostId} peak ${expected.viewerPeak}`;
        }
        if (started !== (expected.state !== 'scheduled') || ended !== (expected.state === 'ended')) return `${expected.state} with started_at ${String(row.started_at)}, ended_at ${String(row.ended_at)}`;
        if (expected.streamKey !== null && row.stream_key !== expected.streamKey) return `reads stream key ${String(row.stream_key)}, wrote ${expected.streamKey}`;
        return undefined;
      }, () => {
        const call = next?.();
        if (call) streamSteps.push(call);
      });
    };
    const write = (values: Record<string, unknown>, method: string, apply: () => void, next: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> => ({
      method, channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await c.exec('hp.live.stream', 'write', [[stream.id], values]);
        apply();
        checkStream(writtenAt, next);
      },
    });
    const action = (name: 'action_go_live' | 'action_end', to: StreamState, next: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> => ({
      method: `hp.live.stream.${name}`, channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await c.exec('hp.live.stream', name, [[stream.id]]);
        stream.state = to;
        checkStream(writtenAt, next);
      },
    });
    /** A transition the addon refuses from the stream's state: the answer, and the stream unchanged. */
    const refusedAction = (name: 'action_go_live' | 'action_end', next: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> => ({
      method: `hp.live.stream.${name} (refused)`, channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused(`hp.live.stream.${name}`, name === 'action_go_live' ? NOT_SCHEDULED : NOT_LIVE, () => c.exec('hp.live.stream', name, [[stream.id]]), `${name} of ${stream.state} stream ${stream.id}`);
        checkStream(writtenAt, next);
      },
    });
    const peak = (next: () => DrillCall<BizChannel> | undefined) => {
      const viewerPeak = stream.viewerPeak + 1 + rand(500);
      return write({ viewer_peak: viewerPeak }, 'hp.live.stream.write viewer_peak', () => (stream.viewerPeak = viewerPeak), next);
    };
    const stays = k % 4 === 3;
    const afterLive = () => peak(() => (stays ? undefined : action('action_end', 'ended', () => refusedAction('action_go_live', () => undefined))));
    const goLive = () => action('action_go_live', 'live', afterLive);
    const first = () => (k % 5 === 4 ? refusedAction('action_end', goLive) : k % 3 === 1 ? peak(goLive) : goLive());
    return {
      method: 'hp.live.stream.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        stream.id = Number(await c.exec('hp.live.stream', 'create', [{
          title: stream.title, host_id: c.uid, scheduled_at: odooDatetime(3600 + rand(86400)), ...(stream.streamKey ? { stream_key: stream.streamKey } : {}),
        }]));
        report.streams.push(stream);
        checkStream(writtenAt, first);
      },
    };
  };

  let groupNo = 0;
  let groupsInFlight = 0;
  /** A coach's new public group; members may join it once its creation is read back. */
  const createGroup = (): DrillCall<BizChannel> => {
    const k = groupNo++;
    const c = coach(k + 1);
    const group: TrackedGroup = { id: 0, ownerId: c.uid, name: `Drill ${o.runTag} group ${k}`, via: `rpc (${c.channel})` };
    groupsInFlight++;
    return {
      method: 'hp.community.group.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          group.id = Number(await c.exec('hp.community.group', 'create', [{ name: group.name, owner_id: c.uid, privacy: 'public', description: `A drill group of run ${o.runTag}`, fee: 0 }]));
        } catch (error) {
          groupsInFlight--;
          throw error;
        }
        report.groups.push(group);
        groupsById.set(group.id, group);
        readBack(c, 'hp.community.group', group.id, ['name', 'owner_id', 'member_count', 'privacy'], writtenAt, (row) =>
          row.name !== group.name || idOf(row.owner_id) !== group.ownerId || Number(row.member_count || 0) !== 0 ? `reads "${String(row.name)}" owner ${String(idOf(row.owner_id))} ${String(row.member_count)} members, wrote "${group.name}" owner ${group.ownerId}, no members` : undefined,
        () => {
          groupsInFlight--;
          openGroups.push(group);
        });
      },
    };
  };

  let membershipNo = 0;
  /** A free RPC member's membership of a drill group it never joined; a new group when there are few or none is left to join; undefined when nothing can start. */
  const membershipLifecycle = (): DrillCall<BizChannel> | undefined => {
    const k = membershipNo++;
    const free = rpcMembers.filter((m) => !busy.has(`member#${m.uid}`));
    const fewGroups = openGroups.length < 3;
    for (let i = 0; i < free.length && !fewGroups; i++) {
      const m = free[(k + i) % free.length]!;
      const candidates = groupsToJoin(m.uid);
      // spread over the open groups, so that joins of one group at once stay few (each recomputes its member_count)
      if (candidates.length) return join(k, m, candidates[(k * 7) % candidates.length]!);
    }
    return free.length && groupsInFlight === 0 ? createGroup() : undefined;
  };
  /** Open groups `uid` never joined (a second membership of a group is the refusal asked for on purpose, not a lifecycle). */
  const groupsToJoin = (uid: number) => {
    const joined = new Set(report.memberships.filter((x) => x.userId === uid).map((x) => x.groupId));
    return openGroups.filter((g) => !joined.has(g.id));
  };
  const ownerOf = (group: TrackedGroup) => coaches.find((c) => c.uid === group.ownerId)!;
  /**
   * Join, then by k: stay; leave (a second join refused); banned by an operator (a second join
   * refused); leave and rejoin (the member writes its own membership active again); banned by
   * the group's owner (the rule the service adds lets the owner and operators ban, nobody else).
   */
  const join = (k: number, m: RpcLogin, group: TrackedGroup): DrillCall<BizChannel> => {
    const membership: TrackedMembership = { id: 0, groupId: group.id, userId: m.uid, state: 'active', via: `rpc (${m.channel})` };
    const memberKey = `member#${m.uid}`;
    busy.add(memberKey);
    const done = () => busy.delete(memberKey);
    /** Reads the membership back (by `who`) as the last write left it, then the lifecycle's next step, or the member is free again. */
    const check = (who: RpcLogin, writtenAt: number, next?: () => DrillCall<BizChannel> | undefined) => {
      const expected = membership.state;
      readBack(who, 'hp.community.member', membership.id, ['group_id', 'user_id', 'state', 'role'], writtenAt, (row) =>
        row.state !== expected || idOf(row.group_id) !== membership.groupId || idOf(row.user_id) !== membership.userId
          ? `reads ${String(row.state)} in group ${String(idOf(row.group_id))} of user ${String(idOf(row.user_id))}, wrote ${expected} in ${membership.groupId} of ${membership.userId}`
          : undefined,
      () => {
        const call = next?.();
        if (call) membershipSteps.push(call);
        else done();
      });
    };
    /** One write of the membership by `who`; the member is freed if it fails. */
    const step = (method: string, who: RpcLogin, send: () => Promise<unknown>, to: MembershipState, next?: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> => ({
      method, channel: who.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await send();
        } catch (error) {
          done();
          throw error;
        }
        membership.state = to;
        check(who, writtenAt, next);
      },
    });
    const action = (name: 'action_leave' | 'action_ban', to: MembershipState, who: RpcLogin, label: string, next?: () => DrillCall<BizChannel>) =>
      step(`hp.community.member.${name}${label}`, who, () => who.exec('hp.community.member', name, [[membership.id]]), to, next);
    // A second join of the same group: the addon's unique (group_id, user_id) refuses it, and the membership stays as it was.
    const joinAgain = () => step('hp.community.member.create (again)', m, () =>
      refused('hp.community.member.create', ALREADY_MEMBER, () => m.exec('hp.community.member', 'create', [{ group_id: group.id, user_id: m.uid }]), `a second membership of user ${m.uid} in group ${group.id}`), membership.state);
    const rejoin = () => step('hp.community.member.write state active (rejoin)', m, () => m.exec('hp.community.member', 'write', [[membership.id], { state: 'active' }]), 'active');
    const plans: (() => DrillCall<BizChannel> | undefined)[] = [
      () => undefined,
      () => action('action_leave', 'left', m, '', joinAgain),
      () => action('action_ban', 'banned', operator(k), ' (operator)', joinAgain),
      () => action('action_leave', 'left', m, '', rejoin),
      () => action('action_ban', 'banned', ownerOf(group), ' (group owner)', joinAgain),
      () => undefined,
    ];
    return step('hp.community.member.create', m, async () => {
      membership.id = Number(await m.exec('hp.community.member', 'create', [{ group_id: group.id, user_id: m.uid }]));
      report.memberships.push(membership);
    }, 'active', plans[k % plans.length]);
  };

  const streamCall = () => streamSteps.shift() ?? streamLifecycle();
  const membershipCall = () => membershipSteps.shift() ?? membershipLifecycle() ?? streamCall();
  const restCall = (): DrillCall<BizChannel> | undefined => (rest && load.restWrites() ? rest.write() : undefined);

  let n = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots.
  const callNumber = (i: number, perform: (call: DrillCall<BizChannel>) => Promise<void>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot === 6) return perform(streamCall());
    if (slot === 7) return perform(membershipCall());
    if (slot === 8) return perform(i % 20 < 10 ? streamCall() : membershipCall());
    return perform(restCall() ?? (i % 20 < 10 ? membershipCall() : streamCall()));
  };

  // Read-backs still queued when the load stops are asked then (their lifecycles' next steps are not sent).
  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, restUsed, callNumber });
  return load;
}
