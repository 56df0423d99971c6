import { bearerRest, type RestVerb } from './bearer-rest.ts';

/** A live stream as the biz service's REST API shows it (schemas/rest/biz/live-stream.json). */
export interface RestStream {
  id: number;
  title: string;
  hostId: number;
  streamKey: string | null;
  state: 'scheduled' | 'live' | 'ended';
  startedAt: string | null;
  endedAt: string | null;
  viewerPeak: number;
  pushUrl?: string | null;
}

/** A community group (schemas/rest/biz/community-group.json). */
export interface RestGroup {
  id: number;
  name: string;
  ownerId: number | null;
  memberCount: number;
}

/** A membership (schemas/rest/biz/community-member.json). */
export interface RestMember {
  id: number;
  groupId: number;
  userId: number;
  role: string;
  state: 'active' | 'left' | 'banned';
}

/** A performance report (schemas/rest/biz/performance.json). */
export interface RestPerformance {
  id: number;
  ownerId: number;
  period: string;
  kind: string;
  refModel: string;
  refId: number;
  amount: string | null;
}

/**
 * The biz service's REST API as a coach's or member's app calls it (bearer token per user,
 * Idempotency-Key on every create). Any answer other than the documented success throws: the
 * drill counts it as failed (a 404 says so in its message, for read-backs of rows not there).
 */
export function bizRestClient(baseUrl: string, tokens: Record<string, string>) {
  const api = bearerRest(baseUrl, tokens);
  const call = <T>(method: RestVerb, path: string, uid: number, expected: number[], body?: unknown, idempotencyKey?: string): Promise<T> => api.expect<T>(method, path, uid, expected, body, idempotencyKey);
  const member = (groupId: number, userId: number) => `/communities/groups/${groupId}/members/${userId}`;
  return {
    createStream: (uid: number, body: { title: string; scheduledAt: string }, key: string) => call<RestStream>('POST', '/live-streams', uid, [201], body, key),
    stream: (uid: number, id: number) => call<RestStream>('GET', `/live-streams/${id}`, uid, [200]),
    streams: (uid: number, query: string) => call<{ items: RestStream[] }>('GET', `/live-streams${query}`, uid, [200]),
    streamAction: (uid: number, id: number, action: 'go-live' | 'end', key: string) => call<RestStream>('POST', `/live-streams/${id}/${action}`, uid, [200], undefined, key),
    createGroup: (uid: number, body: { name: string; description: string; privacy: 'public' }, key: string) => call<RestGroup>('POST', '/communities/groups', uid, [201], body, key),
    group: (uid: number, id: number) => call<RestGroup>('GET', `/communities/groups/${id}`, uid, [200]),
    groups: (uid: number, query: string) => call<{ items: RestGroup[] }>('GET', `/communities/groups${query}`, uid, [200]),
    members: (uid: number, groupId: number, query: string) => call<{ items: RestMember[] }>('GET', `/communities/groups/${groupId}/members${query}`, uid, [200]),
    /** A join: 201 for a new membership, 200 for one's own `left` membership active again. */
    join: (uid: number, groupId: number, key: string) => call<RestMember>('POST', `/communities/groups/${groupId}/members`, uid, [200, 201], {}, key),
    member: (uid: number, groupId: number, userId: number) => call<RestMember>('GET', member(groupId, userId), uid, [200]),
    dashboard: (uid: number, month: string) => call<{ ownerId: number }>('GET', `/biz/dashboard?period=${month}`, uid, [200]),
    /** 201 for a new report, 200 for the same activity reported again (its natural key). */
    report: (uid: number, body: { period: string; kind: string; refModel: string; refId: number; amount: string; occurredAt: string }, key: string) =>
      call<RestPerformance>('POST', '/biz/performance', uid, [200, 201], body, key),
    performance: (uid: number, id: number) => call<RestPerformance>('GET', `/biz/performance/${id}`, uid, [200]),
    memberAction: (uid: number, groupId: number, userId: number, action: 'leave' | 'ban', key: string) => call<RestMember>('POST', `${member(groupId, userId)}/${action}`, uid, [200], undefined, key),
  };
}

export type BizRestClient = ReturnType<typeof bizRestClient>;
