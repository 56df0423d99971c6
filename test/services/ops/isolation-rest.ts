import type { Area, Target } from './isolation-attempts.ts';

/**
 * The ops REST routes' side of the isolation property: what a member's bearer token tries on
 * another member's notifications and on the operators' data (operations, risk rules and alerts,
 * the audit log, analytics, revoking certifications), and what must come of it. `route` is the service's `METHOD /path`
 * (an attempt runs once its route is in ops's table).
 */
export interface RestAttempt {
  route: string;
  /** Whose rows are guarded (checked unchanged after the call, besides the verdict). */
  area: Area;
  request(t: Target): { method: 'GET' | 'POST'; path: string; body?: unknown };
  /** What is wrong with the answer, or undefined. */
  verdict(status: number, body: unknown, t: Target): string | undefined;
}

const refusedStatus = (status: number, body: unknown) => ([403, 404].includes(status) ? undefined : `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
const forbidden = (status: number, body: unknown) => (status === 403 ? undefined : `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);

/** A list of notifications that holds only the caller's own (or a refusal). */
function onlyOwnNotifications(status: number, body: unknown, t: Target): string | undefined {
  if (status === 403) return undefined;
  const items = (body as { items?: { id: number; userId: number }[] })?.items;
  if (status !== 200 || !items) return `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
  const others = items.filter((n) => n.userId !== t.attacker || t.victimIds.includes(n.id));
  return others.length ? `listed notifications of others: ${others.map((n) => `${n.id} (user ${n.userId})`).join(', ')}` : undefined;
}

const staff = (route: string, area: Area, request: RestAttempt['request'], verdict = forbidden): RestAttempt => ({ route, area, request, verdict });

export const REST_ATTEMPTS: Record<string, RestAttempt> = {
  "notifications listed by the victim's user_id": {
    route: 'GET /ops/notifications', area: 'notifications',
    request: (t) => ({ method: 'GET', path: `/ops/notifications?user_id=${t.victim}&limit=100` }),
    verdict: onlyOwnNotifications,
  },
  'notifications listed unfiltered': {
    route: 'GET /ops/notifications', area: 'notifications',
    request: () => ({ method: 'GET', path: '/ops/notifications?limit=100' }),
    verdict: onlyOwnNotifications,
  },
  "the victim's notification read": {
    route: 'GET /ops/notifications/:id', area: 'notifications',
    request: (t) => ({ method: 'GET', path: `/ops/notifications/${t.rowId}` }),
    verdict: refusedStatus,
  },
  "the victim's notification marked read": {
    route: 'POST /ops/notifications/:id/read', area: 'notifications',
    request: (t) => ({ method: 'POST', path: `/ops/notifications/${t.rowId}/read` }),
    verdict: refusedStatus,
  },
  'a notification sent to the victim': {
    route: 'POST /ops/notifications', area: 'notifications',
    request: (t) => ({ method: 'POST', path: '/ops/notifications', body: { userIds: [t.victim], channels: ['app'], title: 'In your name' } }),
    verdict: forbidden,
  },
  "a send's status": staff('GET /ops/notification-sends/:id', 'notifications', () => ({ method: 'GET', path: '/ops/notification-sends/1' })),
  "a coach's certification revoked": staff('POST /ops/certifications/:id/revoke', 'hp.operation', () => ({ method: 'POST', path: '/ops/certifications/46/revoke' }), refusedStatus),
  'operations listed': staff('GET /ops/operations', 'hp.operation', () => ({ method: 'GET', path: '/ops/operations' })),
  'an operation read': staff('GET /ops/operations/:id', 'hp.operation', (t) => ({ method: 'GET', path: `/ops/operations/${t.rowId}` }), refusedStatus),
  'an operation created': staff('POST /ops/operations', 'hp.operation', () => ({ method: 'POST', path: '/ops/operations', body: { name: 'Mine', operationType: 'banner' } })),
  'an operation scheduled': staff('POST /ops/operations/:id/schedule', 'hp.operation', (t) => ({ method: 'POST', path: `/ops/operations/${t.rowId}/schedule` }), refusedStatus),
  'an operation done': staff('POST /ops/operations/:id/done', 'hp.operation', (t) => ({ method: 'POST', path: `/ops/operations/${t.rowId}/done` }), refusedStatus),
  'an operation cancelled': staff('POST /ops/operations/:id/cancel', 'hp.operation', (t) => ({ method: 'POST', path: `/ops/operations/${t.rowId}/cancel` }), refusedStatus),
  'the audit log listed': staff('GET /ops/audit-logs', 'hp.audit.log', () => ({ method: 'GET', path: '/ops/audit-logs' })),
  "the audit log of the caller's own actions": staff('GET /ops/audit-logs', 'hp.audit.log', (t) => ({ method: 'GET', path: `/ops/audit-logs?user_id=${t.attacker}` })),
  'risk alerts listed': staff('GET /risk/alerts', 'hp.risk.alert', () => ({ method: 'GET', path: '/risk/alerts' })),
  'a risk alert read': staff('GET /risk/alerts/:id', 'hp.risk.alert', (t) => ({ method: 'GET', path: `/risk/alerts/${t.rowId}` }), refusedStatus),
  'a risk alert investigated': staff('POST /risk/alerts/:id/investigate', 'hp.risk.alert', (t) => ({ method: 'POST', path: `/risk/alerts/${t.rowId}/investigate` }), refusedStatus),
  'a risk alert resolved': staff('POST /risk/alerts/:id/resolve', 'hp.risk.alert', (t) => ({ method: 'POST', path: `/risk/alerts/${t.rowId}/resolve` }), refusedStatus),
  'a risk alert a false positive': staff('POST /risk/alerts/:id/false-positive', 'hp.risk.alert', (t) => ({ method: 'POST', path: `/risk/alerts/${t.rowId}/false-positive` }), refusedStatus),
  'a risk rule scanned': staff('POST /risk/rules/:id/scan', 'hp.risk.rule', (t) => ({ method: 'POST', path: `/risk/rules/${t.rowId}/scan` }), refusedStatus),
  'analytics reports listed': staff('GET /analytics/reports', 'hp.audit.log', () => ({ method: 'GET', path: '/analytics/reports' })),
  'an analytics report read': staff('GET /analytics/reports/:id', 'hp.audit.log', () => ({ method: 'GET', path: '/analytics/reports/1' }), refusedStatus),
  'an analytics report requested': staff('POST /analytics/reports', 'hp.audit.log', () => ({ method: 'POST', path: '/analytics/reports', body: { from: '2026-11-01T00:00:00Z', to: '2026-11-25T00:00:00Z' } })),
};
