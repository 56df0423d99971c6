import type { DrillCall } from './call-recorder.ts';
import type { BizChannel, BizLoadReport, MembershipState, TrackedGroup, TrackedMembership, TrackedStream } from './biz-load-types.ts';
import type { BizRestClient, RestMember, RestStream } from './biz-rest-client.ts';

/** What the REST calls share with the rest of the biz load. */
export interface BizRestContext {
  rest: BizRestClient;
  /** The service's routes (`POST /live-streams`, …): only those are called. */
  routes: ReadonlySet<string>;
  report: BizLoadReport;
  runTag: string;
  /** Members whose memberships only REST writes (one write at a time each). */
  members: readonly number[];
  /** Anyone of the drill who reads (members). */
  readers: readonly number[];
  /** Coaches: hosts of REST streams, owners of REST groups. */
  coaches: readonly number[];
  /** Drill groups open to joins (created and read back, over RPC or REST); a group REST created joins them once read back. */
  openGroups(): readonly TrackedGroup[];
  groupOpened(group: TrackedGroup): void;
  queueReadBack(method: string, channel: BizChannel, key: string, writtenAt: number, read: () => Promise<string | undefined>, then?: () => void): void;
  /** The routes the load called. */
  used: Set<string>;
}

const STREAM_CREATE = 'POST /live-streams';
const STREAM_READ = 'GET /live-streams/:id';
const STREAM_LIST = 'GET /live-streams';
const GO_LIVE = 'POST /live-streams/:id/go-live';
const END = 'POST /live-streams/:id/end';
const GROUP_CREATE = 'POST /communities/groups';
const GROUP_READ = 'GET /communities/groups/:id';
const GROUP_LIST = 'GET /communities/groups';
const MEMBER_LIST = 'GET /communities/groups/:id/members';
const JOIN = 'POST /communities/groups/:id/members';
const MEMBER_READ = 'GET /communities/groups/:id/members/:userId';
const LEAVE = 'POST /communities/groups/:id/members/:userId/leave';
const BAN = 'POST /communities/groups/:id/members/:userId/ban';
const DASHBOARD = 'GET /biz/dashboard';
const REPORT = 'POST /biz/performance';
const REPORT_READ = 'GET /biz/performance/:id';

const rand = (max: number) => Math.floor(Math.random() * max);
/** RFC 3339 to the second, `seconds` from now. */
const rfc3339 = (seconds: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');

/**
 * REST calls of the biz load, on the routes the service has, each write read back by the same
 * user over REST before the row is written again:
 *
 * - a coach's stream: `POST /live-streams` (its key and signed URLs made by the service), then
 *   `…/go-live` and `…/end` (three in four), read back by `GET /live-streams/{id}`;
 * - a coach's group: `POST /communities/groups`, read back (no members yet), then open to joins
 *   over both protocols;
 * - a REST member's membership of an open group it never joined: `POST …/members` (201), then by
 *   turns stays, leaves (`…/leave`), leaves and joins again (200: its own membership active
 *   again), or is banned by the group's owner (`…/ban`), read back by `GET …/members/{userId}`;
 * - a coach's performance report of this month (`POST /biz/performance`, an activity no event
 *   tells the workbench), read back by `GET /biz/performance/{id}`, and every other one the same
 *   activity reported again under a new Idempotency-Key: the same report (200), never a second;
 * - reads: streams live or newest, public groups, a group's active members, a coach's dashboard
 *   of this month.
 */
export function bizRestCalls(c: BizRestContext) {
  const has = (route: string) => c.routes.has(route);
  const report = c.report;
  const used = <T>(route: string, work: () => Promise<T>) => (c.used.add(route), work());
  /** Next steps of REST lifecycles, each queued once its previous write was read back. */
  const steps: DrillCall<BizChannel>[] = [];
  const busy = new Set<number>();

  const streamLifecycle = (k: number): DrillCall<BizChannel> => {
    const uid = c.coaches[(k * 5 + 1) % c.coaches.length]!;
    const stream: TrackedStream = { id: 0, hostId: uid, title: `Drill ${c.runTag} REST stream ${k}`, streamKey: null, state: 'scheduled', viewerPeak: 0, via: 'rest' };
    const check = (answer: RestStream, writtenAt: number, next?: () => DrillCall<BizChannel> | undefined) => {
      const wrong = (s: RestStream) =>
        s.title !== stream.title || s.state !== stream.state || s.hostId !== stream.hostId || s.streamKey !== stream.streamKey || (s.startedAt !== null) !== (stream.state !== 'scheduled') || (s.endedAt !== null) !== (stream.state === 'ended')
          ? `stream ${stream.id}: shows "${s.title}" ${s.state} host ${s.hostId} key ${s.streamKey} started ${s.startedAt} ended ${s.endedAt}, wrote "${stream.title}" ${stream.state} host ${stream.hostId} key ${stream.streamKey}`
          : undefined;
      const answered = wrong(answer);
      if (answered) throw new Error(`the answer ${answered}`);
      if (!has(STREAM_READ)) return void (next && queue(next()));
      c.queueReadBack(STREAM_READ, 'rest', `rest-stream#${stream.id}`, writtenAt, async () => wrong(await used(STREAM_READ, () => c.rest.stream(uid, stream.id))), () => next && queue(next()));
    };
    const action = (name: 'go-live' | 'end', route: string, next?: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> | undefined =>
      has(route)
        ? {
            method: route, channel: 'rest', write: true,
            run: async () => {
              const writtenAt = Date.now();
              const answer = await used(route, () => c.rest.streamAction(uid, stream.id, name, `${c.runTag}-${name}-${stream.id}`));
              stream.state = name === 'go-live' ? 'live' : 'ended';
              check(answer, writtenAt, next);
            },
          }
        : undefined;
    const end = () => (k % 4 === 3 ? undefined : action('end', END));
    return {
      method: STREAM_CREATE, channel: 'rest', write: true,
      run: async () => {
        const writtenAt = Date.now();
        const created = await used(STREAM_CREATE, () => c.rest.createStream(uid, { title: stream.title, scheduledAt: rfc3339(3600 + rand(86400)) }, `${c.runTag}-stream-${k}`));
        stream.id = created.id;
        stream.streamKey = created.streamKey;
        report.streams.push(stream);
        if (!created.streamKey) throw new Error(`POST /live-streams answered stream ${created.id} without a stream key`);
        check(created, writtenAt, () => action('go-live', GO_LIVE, end));
      },
    };
  };

  const createGroup = (k: number): DrillCall<BizChannel> => {
    const uid = c.coaches[(k * 3 + 2) % c.coaches.length]!;
    const group: TrackedGroup = { id: 0, ownerId: uid, name: `Drill ${c.runTag} REST group ${k}`, via: 'rest' };
    return {
      method: GROUP_CREATE, channel: 'rest', write: true,
      run: async () => {
        const writtenAt = Date.now();
        const created = await used(GROUP_CREATE, () => c.rest.createGroup(uid, { name: group.name, description: `A drill group of run ${c.runTag}`, privacy: 'public' }, `${c.runTag}-group-${k}`));
        group.id = created.id;
        report.groups.push(group);
        const wrong = (g: { name: string; ownerId: number | null; memberCount: number }) =>
          g.name !== group.name || g.ownerId !== uid || g.memberCount !== 0 ? `group ${group.id}: shows "${g.name}" owner ${g.ownerId} ${g.memberCount} members, wrote "${group.name}" owner ${uid}, no members` : undefined;
        if (wrong(created)) throw new Error(`the answer ${wrong(created)}`);
        if (!has(GROUP_READ)) return c.groupOpened(group);
        c.queueReadBack(GROUP_READ, 'rest', `rest-group#${group.id}`, writtenAt, async () => wrong(await used(GROUP_READ, () => c.rest.group(uid, group.id))), () => c.groupOpened(group));
      },
    };
  };

  /** A free REST member's membership of an open group it never joined: join, then by k stay, leave, leave and rejoin, or a ban by the owner. */
  const membershipLifecycle = (k: number): DrillCall<BizChannel> | undefined => {
    const free = c.members.filter((uid) => !busy.has(uid));
    for (let i = 0; i < free.length; i++) {
      const uid = free[(k + i) % free.length]!;
      const joined = new Set(report.memberships.filter((m) => m.userId === uid).map((m) => m.groupId));
      const open = c.openGroups().filter((g) => !joined.has(g.id));
      if (open.length) return join(k, uid, open[(k * 7) % open.length]!);
    }
    return undefined;
  };
  const join = (k: number, uid: number, group: TrackedGroup): DrillCall<BizChannel> => {
    busy.add(uid);
    const membership: TrackedMembership = { id: 0, groupId: group.id, userId: uid, state: 'active', via: 'rest' };
    const done = () => busy.delete(uid);
    /** The answer, then `reader`'s read-back, show the membership as written; then the next step, or the member is free. */
    const check = (answer: RestMember, reader: number, writtenAt: number, next?: () => DrillCall<BizChannel> | undefined) => {
      const wrong = (m: RestMember) =>
        m.id !== membership.id || m.state !== membership.state || m.groupId !== group.id || m.userId !== uid
          ? `membership ${membership.id}: shows #${m.id} ${m.state} in group ${m.groupId} of user ${m.userId}, wrote ${membership.state} in ${group.id} of ${uid}`
          : undefined;
      const answered = wrong(answer);
      if (answered) throw new Error(`the answer ${answered}`);
      const then = () => {
        const call = next?.();
        if (call) queue(call);
        else done();
      };
      if (!has(MEMBER_READ)) return then();
      c.queueReadBack(MEMBER_READ, 'rest', `rest-member#${membership.id}`, writtenAt, async () => wrong(await used(MEMBER_READ, () => c.rest.member(reader, group.id, uid))), then);
    };
    const step = (route: string, by: number, send: () => Promise<RestMember>, to: MembershipState, next?: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> | undefined =>
      has(route)
        ? {
            method: route, channel: 'rest', write: true,
            run: async () => {
              const writtenAt = Date.now();
              let answer: RestMember;
              try {
                answer = await used(route, send);
              } catch (error) {
                done();
                throw error;
              }
              if (!membership.id) {
                membership.id = answer.id;
                report.memberships.push(membership);
              }
              membership.state = to;
              check(answer, by, writtenAt, next);
            },
          }
        : undefined;
    const leave = (next?: () => DrillCall<BizChannel> | undefined) => step(LEAVE, uid, () => c.rest.memberAction(uid, group.id, uid, 'leave', `${c.runTag}-leave-${group.id}-${uid}`), 'left', next);
    // Its own left membership active again: the same row, answered 200.
    const rejoin = () => step(JOIN, uid, () => c.rest.join(uid, group.id, `${c.runTag}-rejoin-${group.id}-${uid}`), 'active');
    const ban = () => step(BAN, group.ownerId, () => c.rest.memberAction(group.ownerId, group.id, uid, 'ban', `${c.runTag}-ban-${group.id}-${uid}`), 'banned');
    const plans: (() => DrillCall<BizChannel> | undefined)[] = [() => undefined, () => leave(), () => leave(rejoin), ban];
    const first = step(JOIN, uid, () => c.rest.join(uid, group.id, `${c.runTag}-join-${group.id}-${uid}`), 'active', plans[k % plans.length]);
    if (!first) done();
    return first!;
  };

  let reportNo = 0;
  /** The activities reported, by id: one report each, whatever was sent twice. */
  const reported = new Map<number, string>();
  const reportPerformance = (k: number): DrillCall<BizChannel> => {
    const uid = c.coaches[(k * 7 + 3) % c.coaches.length]!;
    const r = reportNo++;
    const now = new Date();
    const body = {
      period: now.toISOString().slice(0, 7), kind: ['live_income', 'community_joined', 'service_sold'][r % 3]!, refModel: 'hp.live.stream', refId: 1_000_000 + r,
      amount: `${10 + (r % 90)}.50`, occurredAt: now.toISOString(),
    };
    const send = (again: boolean, next?: () => DrillCall<BizChannel> | undefined): DrillCall<BizChannel> => ({
      method: again ? `${REPORT} (again)` : REPORT, channel: 'rest', write: true,
      run: async () => {
        const writtenAt = Date.now();
        const answer = await used(REPORT, () => c.rest.report(uid, body, `${c.runTag}-report-${r}${again ? '-again' : ''}`));
        const natural = `${uid}/${body.kind}/${body.refModel}/${body.refId}`;
        if (again ? reported.get(answer.id) !== natural : reported.has(answer.id)) throw new Error(`POST /biz/performance ${again ? 'sent again answered report' : 'answered an existing report'} ${answer.id} for ${natural}`);
        reported.set(answer.id, natural);
        const wrong = (p: { ownerId: number; refId: number; kind: string; amount: string | null }) =>
          p.ownerId !== uid || p.refId !== body.refId || p.kind !== body.kind || Number(p.amount) !== Number(body.amount) ? `report ${answer.id}: shows owner ${p.ownerId} ${p.kind} ref ${p.refId} ${p.amount}, sent ${uid} ${body.kind} ${body.refId} ${body.amount}` : undefined;
        if (wrong(answer)) throw new Error(`the answer ${wrong(answer)}`);
        if (!has(REPORT_READ)) return void queue(next?.());
        c.queueReadBack(REPORT_READ, 'rest', `rest-report#${answer.id}`, writtenAt, async () => wrong(await used(REPORT_READ, () => c.rest.performance(uid, answer.id))), () => queue(next?.()));
      },
    });
    return send(false, r % 2 === 0 ? () => send(true) : undefined);
  };

  const queue = (call: DrillCall<BizChannel> | undefined) => {
    if (call) steps.push(call);
  };

  let n = 0;
  let readNo = 0;
  let groupsMade = 0;
  return {
    /** A REST read of the routes the service has, or undefined without any. */
    read(k: number): DrillCall<BizChannel> | undefined {
      const uid = c.readers[k % c.readers.length]!;
      const groups = c.openGroups();
      const reads: [string, () => Promise<unknown>][] = [
        [STREAM_LIST, () => c.rest.streams(uid, k % 2 ? '?state=live&limit=10' : '?limit=20')],
        [GROUP_LIST, () => c.rest.groups(uid, k % 2 ? '?privacy=public&limit=20' : '?name=Drill&limit=10')],
        ...(groups.length ? [[MEMBER_LIST, () => c.rest.members(uid, groups[k % groups.length]!.id, '?state=active&limit=50')] as [string, () => Promise<unknown>]] : []),
        // a coach's own workbench of this month (the record rule shows its own)
        [DASHBOARD, () => c.rest.dashboard(c.coaches[k % c.coaches.length]!, new Date().toISOString().slice(0, 7))],
      ];
      const available = reads.filter(([route]) => has(route));
      if (!available.length) return undefined;
      // its own turn: the load asks with k of one residue (every tenth read), which would pick the same few
      const [route, run] = available[readNo++ % available.length]!;
      return { method: route, channel: 'rest', write: false, run: async () => void (await used(route, run)) };
    },
    /** The next REST write: a lifecycle's next step, else a new stream, group or membership; undefined without such routes. */
    write(): DrillCall<BizChannel> | undefined {
      const next = steps.shift();
      if (next) return next;
      const k = n++;
      // a group now and then: two at first, then one per sixty REST writes
      const groupDue = has(GROUP_CREATE) && groupsMade < 2 + k / 60;
      if (k % 3 === 0 && has(STREAM_CREATE)) return streamLifecycle(k);
      if (k % 3 === 2 && groupDue) return (groupsMade++, createGroup(k));
      if (k % 6 === 5 && has(REPORT)) return reportPerformance(k);
      const membership = has(JOIN) ? membershipLifecycle(k) : undefined;
      if (membership) return membership;
      if (groupDue) return (groupsMade++, createGroup(k));
      return has(STREAM_CREATE) ? streamLifecycle(k) : undefined;
    },
  };
}
