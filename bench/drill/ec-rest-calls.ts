import type { DrillCall } from './call-recorder.ts';
import type { bearerRest } from './bearer-rest.ts';
import type { EcChannel, EcLoadReport, MallOrderState, TrackedCampaign, TrackedLine, TrackedOrder } from './ec-load-types.ts';
import type { QueueReadBack } from './read-backs.ts';

/** What the REST calls share with the rest of the ec load. */
export interface EcRestContext {
  rest: ReturnType<typeof bearerRest>;
  /** The service's routes (`POST /ads/impressions`, …): only those are called. */
  routes: ReadonlySet<string>;
  members: readonly number[];
  merchants: readonly number[];
  /** operator001: an administrator, hp.ad.impression's create right. */
  adminId: number;
  /** What the drill's orders buy, and the products' prices. */
  products: readonly number[];
  prices: ReadonlyMap<number, number>;
  report: EcLoadReport;
  runTag: string;
  busy: Set<string>;
  queueReadBack: QueueReadBack<EcChannel>;
  /** A running campaign no impression or pause holds, and the key that holds one (ec-load.ts). */
  serving(k: number): TrackedCampaign | undefined;
  lockOf(c: TrackedCampaign): string;
  /** The buyer pays a REST order over RPC (paying over REST is finance's payment): action_pay, read back, then `next` (ec-load.ts). */
  payOverRpc(order: TrackedOrder, next: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel>;
  /** Lifecycles' next steps (the load's queue). */
  ready: DrillCall<EcChannel>[];
  /** The routes the load called. */
  used: Set<string>;
}

const IMPRESSIONS = 'POST /ads/impressions';
const CAMPAIGNS = 'GET /ad-campaigns';
const CAMPAIGN = 'GET /ad-campaigns/:id';
const PAUSE = 'POST /ad-campaigns/:id/pause';
const ORDER_CREATE = 'POST /orders';
const ORDER = 'GET /orders/:id';
const ORDERS = 'GET /orders';
const PRODUCTS = 'GET /products';
const PRODUCT = 'GET /products/:id';
const START = 'POST /ad-campaigns/:id/start';

/** Impressions per REST batch, and what each costs (whole cents: the campaign's spent is then exact). */
const BATCH = 25;
const REST_COST_CENTS = 2;

interface RestCampaign { id: number; state: string; spent: string; budget: string }
interface RestOrder { id: number; buyerId: number; state: MallOrderState; amountTotal: string; lines: { productId: number; quantity: number; priceUnit: string; subtotal: string }[] }
interface BatchAnswer { accepted: number; duplicates: number; refused: number; clicks: number; rejected: unknown[] }

/**
 * The ec REST routes in the drill's load, those the service has: the ad server's batches of
 * impressions (`POST /ads/impressions` by the administrator, BATCH impressions of a running drill
 * campaign under eventIds of the run; every third batch sent again, answered all duplicates,
 * never a second row), each followed by the campaign read back over REST (`GET /ad-campaigns/{id}`:
 * spent grown by exactly the batch); a running campaign paused and started over REST, each read
 * back. Reads: running campaigns, one campaign.
 */
export function ecRestCalls(c: EcRestContext) {
  const has = (route: string) => c.routes.has(route);
  const mark = (route: string) => c.used.add(route);
  const merchant = (k: number) => c.merchants[k % c.merchants.length]!;
  let no = 0;

  const readCampaign = (campaign: TrackedCampaign, k: number, writtenAt: number, after: () => void) => {
    if (!has(CAMPAIGN)) return after();
    const { spentCents, state } = campaign;
    c.queueReadBack(CAMPAIGN, 'rest', `hp.ad.campaign#${campaign.id}`, writtenAt, async () => {
      mark(CAMPAIGN);
      const row = await c.rest.expect<RestCampaign>('GET', `/ad-campaigns/${campaign.id}`, merchant(k), [200]);
      return Math.round(Number(row.spent) * 100) !== spentCents || row.state !== state ? `campaign ${campaign.id}: reads ${row.state} spent ${row.spent}, wrote ${state} spent ${spentCents / 100}` : undefined;
    }, after);
  };

  const impressions = (k: number): DrillCall<EcChannel> | undefined => {
    const campaign = c.serving(k);
    if (!campaign || !has(IMPRESSIONS)) return undefined;
    c.busy.add(c.lockOf(campaign));
    const batch = no;
    const items = Array.from({ length: BATCH }, (_, i) => ({
      eventId: `ec-drill-${c.runTag}-${campaign.id}-${batch}-${i}`, campaignId: campaign.id, userId: c.members[(k + i) % c.members.length]!,
      cost: (REST_COST_CENTS / 100).toFixed(2), ...(i % 10 === 0 ? { clicked: true } : {}),
    }));
    return {
      method: IMPRESSIONS, channel: 'rest', write: true,
      run: async () => {
        mark(IMPRESSIONS);
        const writtenAt = Date.now();
        try {
          const answer = await c.rest.expect<BatchAnswer>('POST', '/ads/impressions', c.adminId, [200], { items });
          if (answer.accepted !== BATCH || answer.duplicates || answer.refused) throw new Error(`a batch of ${BATCH} new impressions of running campaign ${campaign.id} answered ${JSON.stringify(answer).slice(0, 200)}`);
          campaign.restImpressions += BATCH;
          campaign.restCents += BATCH * REST_COST_CENTS;
          campaign.spentCents += BATCH * REST_COST_CENTS;
          if (batch % 3 === 0) {
            // The ad server sends the batch again (a retry after a lost answer): every item a duplicate, nothing recorded twice.
            const again = await c.rest.expect<BatchAnswer>('POST', '/ads/impressions', c.adminId, [200], { items });
            if (again.accepted || again.duplicates !== BATCH) throw new Error(`a replayed batch of ${BATCH} answered ${JSON.stringify(again).slice(0, 200)}`);
            c.report.replayedBatches++;
          }
        } catch (error) {
          c.busy.delete(c.lockOf(campaign));
          throw error;
        }
        readCampaign(campaign, k, writtenAt, () => c.busy.delete(c.lockOf(campaign)));
      },
    };
  };

  /** A running campaign paused and started again over REST, each read back; held from the pause to the start's read-back. */
  const pauseCycle = (k: number): DrillCall<EcChannel> | undefined => {
    const campaign = c.serving(k + 1);
    if (!campaign || !has(PAUSE) || !has(START)) return undefined;
    c.busy.add(c.lockOf(campaign));
    const step = (route: typeof PAUSE | typeof START, segment: 'pause' | 'start', to: 'paused' | 'running', next?: () => DrillCall<EcChannel>): DrillCall<EcChannel> => ({
      method: route, channel: 'rest', write: true,
      run: async () => {
        mark(route);
        const writtenAt = Date.now();
        try {
          const row = await c.rest.expect<RestCampaign>('POST', `/ad-campaigns/${campaign.id}/${segment}`, merchant(k), [200], undefined, `ec-drill-${c.runTag}-${segment}-${campaign.id}-${k}`);
          if (row.state !== to) throw new Error(`${segment} of campaign ${campaign.id} answered state ${row.state}`);
        } catch (error) {
          c.busy.delete(c.lockOf(campaign));
          throw error;
        }
        campaign.state = to;
        readCampaign(campaign, k, writtenAt, () => {
          if (next) c.ready.push(next());
          else c.busy.delete(c.lockOf(campaign));
        });
      },
    });
    return step(PAUSE, 'pause', 'paused', () => step(START, 'start', 'running'));
  };

  const readOrder = (order: TrackedOrder, uid: number, writtenAt: number, next?: () => DrillCall<EcChannel> | undefined) => {
    const state = order.state;
    c.queueReadBack(ORDER, 'rest', `hp.mall.order#${order.id}`, writtenAt, async () => {
      mark(ORDER);
      const row = await c.rest.expect<RestOrder>('GET', `/orders/${order.id}`, uid, [200]);
      return row.state !== state || row.buyerId !== order.buyerId || Math.round(Number(row.amountTotal) * 100) !== Math.round(order.amountTotal * 100) || row.lines.length !== order.lines.length
        ? `order ${order.id}: reads ${row.state} of ${row.buyerId} total ${row.amountTotal} with ${row.lines.length} lines, wrote ${state} total ${order.amountTotal} with ${order.lines.length}` : undefined;
    }, () => {
      const call = next?.();
      if (call) c.ready.push(call);
    });
  };
  const orderAction = (order: TrackedOrder, uid: number, segment: 'ship' | 'deliver' | 'cancel', to: MallOrderState, next?: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel> | undefined => {
    const route = `POST /orders/:id/${segment}`;
    if (!has(route)) return undefined;
    return {
      method: route, channel: 'rest', write: true,
      run: async () => {
        mark(route);
        const writtenAt = Date.now();
        const row = await c.rest.expect<RestOrder>('POST', `/orders/${order.id}/${segment}`, uid, [200], undefined, `ec-drill-${c.runTag}-${segment}-${order.id}`);
        if (row.state !== to) throw new Error(`${segment} of order ${order.id} answered state ${row.state}`);
        order.state = to;
        order.lastAction = { via: `${segment} over REST`, at: writtenAt };
        readOrder(order, uid, writtenAt, next);
      },
    };
  };

  /**
   * A member's order over REST (`POST /orders`, Idempotency-Key; every third sent again under the
   * same key: the same order, never a second or a second reservation), read back
   * (`GET /orders/{id}`); then cancelled over REST, or paid by the buyer over RPC and shipped and
   * delivered over REST by a merchant, each read back.
   */
  const order = (k: number): DrillCall<EcChannel> | undefined => {
    if (!has(ORDER_CREATE)) return undefined;
    const buyer = c.members[k % c.members.length]!;
    const lines: TrackedLine[] = Array.from({ length: 1 + (k % 2) }, (_, i) => {
      const productId = c.products[(k * 2 + i) % c.products.length]!;
      return { productId, quantity: 1 + (i % 2), priceUnit: c.prices.get(productId)! };
    });
    const tracked: TrackedOrder = { id: 0, buyerId: buyer, state: 'draft', lines, amountTotal: lines.reduce((sum, l) => sum + Math.round(l.quantity * l.priceUnit * 100), 0) / 100, via: 'rest' };
    const key = `ec-drill-${c.runTag}-order-${k}`;
    const me = merchant(k);
    const plan = () => (k % 2 === 0
      ? orderAction(tracked, buyer, 'cancel', 'cancelled')
      : c.payOverRpc(tracked, () => orderAction(tracked, me, 'ship', 'shipped', () => orderAction(tracked, me, 'deliver', 'delivered'))));
    return {
      method: ORDER_CREATE, channel: 'rest', write: true,
      run: async () => {
        mark(ORDER_CREATE);
        const writtenAt = Date.now();
        const body = { lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) };
        const created = await c.rest.expect<RestOrder>('POST', '/orders', buyer, [201], body, key);
        if (k % 3 === 0) {
          const again = await c.rest.expect<RestOrder>('POST', '/orders', buyer, [201], body, key);
          if (again.id !== created.id) throw new Error(`a retried order answered order ${again.id}, first ${created.id}`);
        }
        tracked.id = created.id;
        tracked.lastAction = { via: 'create over REST', at: writtenAt };
        c.report.orders.push(tracked);
        readOrder(tracked, buyer, writtenAt, plan);
      },
    };
  };

  const reads: { route: string; call: (k: number) => DrillCall<EcChannel> }[] = [
    { route: PRODUCTS, call: (k) => ({ method: PRODUCTS, channel: 'rest', write: false, run: async () => void (mark(PRODUCTS), await c.rest.expect('GET', `/products?limit=10&offset=${(k % 4) * 10}`, c.members[k % c.members.length]!, [200])) }) },
    { route: PRODUCT, call: (k) => ({ method: PRODUCT, channel: 'rest', write: false, run: async () => void (mark(PRODUCT), await c.rest.expect('GET', `/products/${c.products[k % c.products.length]!}`, c.members[k % c.members.length]!, [200])) }) },
    { route: ORDERS, call: (k) => ({ method: ORDERS, channel: 'rest', write: false, run: async () => void (mark(ORDERS), await c.rest.expect('GET', '/orders?limit=10', c.members[k % c.members.length]!, [200])) }) },
    { route: CAMPAIGNS, call: (k) => ({ method: CAMPAIGNS, channel: 'rest', write: false, run: async () => void (mark(CAMPAIGNS), await c.rest.expect('GET', '/ad-campaigns?state=running&limit=10', merchant(k), [200])) }) },
    {
      route: CAMPAIGN,
      call: (k) => {
        const campaign = c.report.campaigns[k % Math.max(1, c.report.campaigns.length)];
        return campaign
          ? { method: CAMPAIGN, channel: 'rest', write: false, run: async () => void (mark(CAMPAIGN), await c.rest.expect('GET', `/ad-campaigns/${campaign.id}`, merchant(k), [200])) }
          : { method: CAMPAIGNS, channel: 'rest', write: false, run: async () => void (mark(CAMPAIGNS), await c.rest.expect('GET', '/ad-campaigns?limit=5', merchant(k), [200])) };
      },
    },
  ];
  const readable = reads.filter((r) => has(r.route));
  let readNo = 0;

  return {
    /** A REST read of the routes the service has, or undefined when it has none. */
    read: (k: number): DrillCall<EcChannel> | undefined => (readable.length ? readable[readNo++ % readable.length]!.call(k) : undefined),
    /** The next REST write: orders and impression batches in turn, a pause and start now and then; undefined when the service has none of those routes or no campaign is free. */
    write: (): DrillCall<EcChannel> | undefined => {
      const k = no++;
      if (k % 2 === 0) return order(k) ?? impressions(k);
      return k % 5 === 4 ? pauseCycle(k) ?? impressions(k) : impressions(k) ?? order(k);
    },
  };
}
