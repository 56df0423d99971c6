import type { Area, Target } from './isolation-attempts.ts';

/**
 * The biz REST routes' side of the isolation property: what an attacker's bearer token tries on
 * a victim's stream, membership, dashboard or performance, and what must come of it. `route` is
 * the service's `METHOD /path` (an attempt runs once its route is in biz's table).
 */
export interface RestAttempt {
  route: string;
  area: Area;
  request(t: Target): { method: 'GET' | 'POST'; path: string; body?: unknown };
  /** What is wrong with the answer, or undefined (the victim's rows are checked unchanged besides). */
  verdict(status: number, body: unknown, t: Target): string | undefined;
}

const refusedStatus = (status: number, body: unknown) => ([403, 404].includes(status) ? undefined : `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
/** go-live / end check the state before the host rule, as over RPC (isolation-attempts.ts): a 409 for the wrong state is a refusal too. */
const refusedOrWrongState = (status: number, body: unknown) =>
  status === 409 && /Stream '.*' is not (scheduled|live)\./.test((body as { detail?: string })?.detail ?? '') ? undefined : refusedStatus(status, body);
const PERIOD = '2026-11';

export const REST_ATTEMPTS: Record<string, RestAttempt> = {
  'stream go-live': {
    route: 'POST /live-streams/:id/go-live', area: 'streams',
    request: (t) => ({ method: 'POST', path: `/live-streams/${t.rowId}/go-live` }),
    verdict: refusedOrWrongState,
  },
  'stream end': {
    route: 'POST /live-streams/:id/end', area: 'streams',
    request: (t) => ({ method: 'POST', path: `/live-streams/${t.rowId}/end` }),
    verdict: refusedOrWrongState,
  },
  'stream scheduled in the victim\'s name': {
    route: 'POST /live-streams', area: 'streams',
    request: (t) => ({ method: 'POST', path: '/live-streams', body: { title: 'In your name', hostId: t.victim } }),
    verdict: refusedStatus,
  },
  'stream read: no push URL of another host': {
    route: 'GET /live-streams/:id', area: 'streams',
    request: (t) => ({ method: 'GET', path: `/live-streams/${t.rowId}` }),
    verdict: (status, body) => (status === 200 && typeof (body as { pushUrl?: unknown })?.pushUrl === 'string' ? `showed the victim's push URL` : status === 200 || status === 403 ? undefined : `answered ${status}`),
  },
  'stream list: no push URL of another host': {
    route: 'GET /live-streams', area: 'streams',
    request: (t) => ({ method: 'GET', path: `/live-streams?limit=100&host_id=${t.victim}` }),
    verdict: (status, body, t) => {
      if (status === 403) return undefined;
      const items = (body as { items?: { id: number; hostId: number; pushUrl?: string }[] })?.items;
      if (status !== 200 || !items) return `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
      const leaked = items.filter((s) => s.hostId !== t.attacker && typeof s.pushUrl === 'string');
      return leaked.length ? `showed the push URLs of streams ${leaked.map((s) => s.id).join(', ')}` : undefined;
    },
  },
  'membership leave': {
    route: 'POST /communities/groups/:id/members/:userId/leave', area: 'memberships',
    request: (t) => ({ method: 'POST', path: `/communities/groups/${t.groupId}/members/${t.victim}/leave` }),
    verdict: refusedStatus,
  },
  'membership ban': {
    route: 'POST /communities/groups/:id/members/:userId/ban', area: 'memberships',
    request: (t) => ({ method: 'POST', path: `/communities/groups/${t.groupId}/members/${t.victim}/ban` }),
    verdict: refusedStatus,
  },
  'membership created for the victim': {
    route: 'POST /communities/groups/:id/members', area: 'memberships',
    request: (t) => ({ method: 'POST', path: `/communities/groups/${t.otherGroupId}/members`, body: { userId: t.victim } }),
    verdict: refusedStatus,
  },
  'dashboard of another owner': {
    route: 'GET /biz/dashboard', area: 'dashboards',
    request: (t) => ({ method: 'GET', path: `/biz/dashboard?period=${PERIOD}&owner=${t.victim}` }),
    verdict: refusedStatus,
  },
  'performance of another owner': {
    route: 'GET /biz/performance', area: 'dashboards',
    request: (t) => ({ method: 'GET', path: `/biz/performance?owner=${t.victim}` }),
    verdict: (status, body, t) => {
      if (status === 403) return undefined;
      const items = (body as { items?: { ownerId: number }[] })?.items;
      if (status !== 200 || !items) return `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
      return items.some((r) => r.ownerId === t.victim) ? `listed ${items.length} reports of the victim` : undefined;
    },
  },
  'performance reported for another owner': {
    route: 'POST /biz/performance', area: 'dashboards',
    request: (t) => ({ method: 'POST', path: '/biz/performance', body: { ownerId: t.victim, period: PERIOD, kind: 'live_income', refModel: 'hp.live.stream', refId: t.rowId, occurredAt: '2026-11-15T10:00:00Z', amount: '1.00' } }),
    verdict: refusedStatus,
  },
};
