import type { Area, Target } from './isolation-attempts.ts';

/**
 * The ec REST routes' side of the isolation property: what a member's bearer token tries on
 * another member's mall orders and on the merchants' data (inventories, campaigns, impressions),
 * and what must come of it. `route` is the service's `METHOD /path` (an attempt runs once its route
 * is in ec's table).
 */
export interface RestAttempt {
  route: string;
  /** Whose rows are guarded (checked unchanged after the call, besides the verdict). */
  area: Area;
  request(t: Target): { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown };
  /** What is wrong with the answer, or undefined. */
  verdict(status: number, body: unknown, t: Target): string | undefined;
}

const show = (status: number, body: unknown) => `answered ${status}: ${JSON.stringify(body).slice(0, 200)}`;
const refusedStatus = (status: number, body: unknown) => ([403, 404].includes(status) ? undefined : show(status, body));
const forbidden = (status: number, body: unknown) => (status === 403 ? undefined : show(status, body));

/** A list of orders that holds only the caller's own (or a refusal). */
function onlyOwnOrders(status: number, body: unknown, t: Target): string | undefined {
  if (status === 403) return undefined;
  const items = (body as { items?: { id: number; buyerId?: number }[] })?.items;
  if (status !== 200 || !items) return show(status, body);
  const others = items.filter((o) => t.victimIds.includes(o.id) || (o.buyerId !== undefined && o.buyerId !== t.attacker));
  return others.length ? `listed orders of others: ${others.map((o) => `${o.id} (buyer ${o.buyerId})`).join(', ')}` : undefined;
}

const order = (route: string, request: RestAttempt['request'], verdict: RestAttempt['verdict'] = refusedStatus): RestAttempt => ({ route, area: 'orders', request, verdict });
const staff = (route: string, area: Area, request: RestAttempt['request'], verdict: RestAttempt['verdict'] = forbidden): RestAttempt => ({ route, area, request, verdict });

export const REST_ATTEMPTS: Record<string, RestAttempt> = {
  "orders listed by the victim's buyer": order('GET /orders', (t) => ({ method: 'GET', path: `/orders?buyer_id=${t.victim}&limit=100` }), onlyOwnOrders),
  'orders listed unfiltered': order('GET /orders', () => ({ method: 'GET', path: '/orders?limit=100' }), onlyOwnOrders),
  "the victim's order read": order('GET /orders/:id', (t) => ({ method: 'GET', path: `/orders/${t.rowId}` })),
  "the victim's order shipped": order('POST /orders/:id/ship', (t) => ({ method: 'POST', path: `/orders/${t.rowId}/ship` })),
  "the victim's order delivered": order('POST /orders/:id/deliver', (t) => ({ method: 'POST', path: `/orders/${t.rowId}/deliver` })),
  "the victim's order cancelled": order('POST /orders/:id/cancel', (t) => ({ method: 'POST', path: `/orders/${t.rowId}/cancel` })),
  "an order placed in the victim's name": order('POST /orders', (t) => ({ method: 'POST', path: '/orders', body: { buyerId: t.victim, lines: [{ productId: 1, quantity: 1 }] } }), forbidden),
  'campaigns listed': staff('GET /ad-campaigns', 'hp.ad.campaign', () => ({ method: 'GET', path: '/ad-campaigns' })),
  'a campaign read': staff('GET /ad-campaigns/:id', 'hp.ad.campaign', (t) => ({ method: 'GET', path: `/ad-campaigns/${t.rowId}` }), refusedStatus),
  'a campaign started': staff('POST /ad-campaigns/:id/start', 'hp.ad.campaign', (t) => ({ method: 'POST', path: `/ad-campaigns/${t.rowId}/start` }), refusedStatus),
  'a campaign paused': staff('POST /ad-campaigns/:id/pause', 'hp.ad.campaign', (t) => ({ method: 'POST', path: `/ad-campaigns/${t.rowId}/pause` }), refusedStatus),
  'a campaign done': staff('POST /ad-campaigns/:id/done', 'hp.ad.campaign', (t) => ({ method: 'POST', path: `/ad-campaigns/${t.rowId}/done` }), refusedStatus),
  'impressions recorded': staff('POST /ads/impressions', 'hp.ad.impression', (t) => ({ method: 'POST', path: '/ads/impressions', body: { items: [{ eventId: `isolation-${t.attacker}-${t.rowId}`, kind: 'impression', campaignId: 1, cost: '0.01' }] } })),
};
