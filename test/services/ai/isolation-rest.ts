import type { Area, Target } from './isolation-attempts.ts';

/**
 * The ai REST routes' side of the isolation property: what a member's bearer token tries on
 * another member's generation tasks and health insights, and what must come of it. `route` is the
 * service's `METHOD /path` (an attempt runs once its route is in ai's table).
 */
export interface RestAttempt {
  route: string;
  /** Whose rows are guarded (checked unchanged after the call, besides the verdict). */
  area: Area;
  request(t: Target): { method: 'GET' | 'POST'; path: string; body?: unknown };
  /** What is wrong with the answer, or undefined. */
  verdict(status: number, body: unknown, t: Target): string | undefined;
}

const show = (status: number, body: unknown) => `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
const refusedStatus = (status: number, body: unknown) => ([403, 404].includes(status) ? undefined : show(status, body));
const forbidden = (status: number, body: unknown) => (status === 403 ? undefined : show(status, body));

const task = (route: string, request: RestAttempt['request'], verdict: RestAttempt['verdict'] = refusedStatus): RestAttempt => ({ route, area: 'tasks', request, verdict });
const insight = (route: string, request: RestAttempt['request'], verdict: RestAttempt['verdict'] = refusedStatus): RestAttempt => ({ route, area: 'insights', request, verdict });

export const REST_ATTEMPTS: Record<string, RestAttempt> = {
  "the victim's task read": task('GET /ai/tasks/:id', (t) => ({ method: 'GET', path: `/ai/tasks/${t.rowId}` })),
  "the victim's task cancelled": task('POST /ai/tasks/:id/cancel', (t) => ({ method: 'POST', path: `/ai/tasks/${t.rowId}/cancel` })),
  // The body has no requester: a task is always the caller's. Naming the victim is refused by the schema; the victim's rows are checked unchanged either way.
  "a task generated in the victim's name": task('POST /ai/content/generate', (t) => ({ method: 'POST', path: '/ai/content/generate', body: { prompt: 'In your name', requesterId: t.victim } }), (status, body) => ([400, 403, 422].includes(status) ? undefined : show(status, body))),
  "the victim's health insights computed": insight('GET /ai/insights/health', (t) => ({ method: 'GET', path: `/ai/insights/health?member=${t.victim}` }), forbidden),
  "consultation help on the victim's readings": insight('POST /ai/consult/assist', (t) => ({ method: 'POST', path: '/ai/consult/assist', body: { memberId: t.victim } }), forbidden),
  "coaches ranked for the victim's service order": insight('POST /ai/matching/smart', (t) => ({ method: 'POST', path: '/ai/matching/smart', body: { orderId: t.serviceOrderId ?? 1 } })),
  "the victim's health-risk score": insight('POST /ai/scoring/risk', (t) => ({ method: 'POST', path: '/ai/scoring/risk', body: { memberIds: [t.victim] } }), forbidden),
  'ad campaigns scored': insight('POST /ai/scoring/ads', () => ({ method: 'POST', path: '/ai/scoring/ads', body: { campaignIds: [1, 2] } }), forbidden),
};
