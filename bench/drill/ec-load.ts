import { emptyCallFigures, type DrillCall } from './call-recorder.ts';
import { ecRestCalls } from './ec-rest-calls.ts';
import {
  EC_CHANNELS, type EcChannel, type EcLoadOptions, type EcLoadReport, type MallOrderState, type TrackedCampaign, type TrackedInventory, type TrackedLine, type TrackedOrder,
} from './ec-load-types.ts';
import { pacedLoad, type Perform } from './paced-load.ts';
import { expectRefusal, readBackQueue } from './read-backs.ts';
import { bearerRest } from './bearer-rest.ts';
import { rpcLogins, type RpcLogin } from './rpc-logins.ts';

export type { EcChannel, EcLoadOptions, EcLoadReport, StaleRead, TrackedCampaign, TrackedImpression, TrackedInventory, TrackedOrder } from './ec-load-types.ts';

/**
 * The monolith's products the drill uses (hp_legacy has 50, 20 of them with seed inventory rows):
 * orders buy STOCKED products, whose only inventory row is one the drill creates with ample stock
 * (so ec's reservations, on its side of the cut, always find room and are checked against its
 * ledger), and UNSTOCKED ones, which have no row at all (sold as Odoo sells them); the merchants'
 * inventory lifecycles keep rows of KEPT products, which no order buys. None has a seed row.
 */
export const STOCKED_PRODUCTS = [5, 11, 21, 31, 42, 46] as const;
export const UNSTOCKED_PRODUCTS = [12, 25, 32, 41] as const;
export const KEPT_PRODUCTS = [6, 7, 8, 9, 13, 15, 16, 17] as const;
/** Units on the drill's stocked rows: more than any drill reserves. */
export const DRILL_STOCK = 1_000_000;

/** The warehouses of the drill's inventory rows (`EC-DRILL-<run>-STOCK`, `EC-DRILL-<run>-<n>`): unique per run, the rows the side checks read. */
export const drillWarehousePrefix = (runTag: string) => `EC-DRILL-${runTag}-`;
export const drillCampaignPrefix = (runTag: string) => `ec drill ${runTag} #`;

/** hp_mall's, hp_ads's and hp.inventory's refusals. */
const cannot = (action: string, state: string) => new RegExp(`cannot ${action} from state '${state}'`);
const RESERVED_ABOVE_QUANTITY = /Reserved quantity cannot exceed the quantity on hand/;
const ONLY_RUNNING_PAUSE = /Only running campaigns can be paused/;

/** A many2one as read answers it ([id, name] or false): its id. */
const idOf = (value: unknown): number | false => (Array.isArray(value) ? Number(value[0]) : false);
const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);

/**
 * Mixed M09 + M10 traffic through the gateway, open loop (open-loop.ts). Members and merchants
 * alternate XML-RPC and JSON-RPC; operator001 (an administrator: hp.ad.impression's create right
 * is administrators' only) serves impressions. Per ten calls, four are writes, each read back by
 * the client that made it over the same protocol (read-backs.ts):
 *
 * - a member's mall order with one to three lines (hp.mall.order.create with line_ids; price_unit
 *   the product's lst_price), read back with its total; then one of four plans: paid by the member
 *   (action_pay), shipped and delivered by a merchant, its cancel refused; cancelled as a draft;
 *   paid then cancelled; shipped as a draft (refused), then paid and shipped. Each step read back;
 * - a merchant's inventory row in a warehouse of the drill's own (hp.inventory.create), reserved
 *   units written, reserved above quantity refused (the constraint), quantity raised, each read back;
 * - a merchant's campaign (hp.ad.campaign.create, budget 1000), started, read back; impressions of
 *   running campaigns (hp.ad.impression.create by the administrator, whole-cent costs, some
 *   clicked), each read back, then the campaign's stored spent read back by the merchant: the sum
 *   of its impressions' costs at once; a running campaign paused, paused again (refused), started;
 * - with REST writes on, a REST write of the routes the service has (ec-rest-calls.ts), else
 *   another of the above.
 *
 * The other six calls are the read-backs, else reads and searches of all five models and the
 * products (a member's orders and lines, the catalogue, inventories, campaigns, impressions,
 * orders grouped by state), and the REST reads the service has.
 */
export async function startEcLoad(o: EcLoadOptions) {
  const report: EcLoadReport = {
    ...emptyCallFigures(EC_CHANNELS), orders: [], inventories: [], campaigns: [], impressions: [], stockedRows: {}, spentReads: 0,
    readBacks: 0, staleReads: [], refusals: [], replayedBatches: 0, restRoutesUsed: [], runTag: o.runTag, memberIds: [], merchantIds: [], adminId: 0,
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  const merchants = await rpcLogins(o.gatewayUrl, o.database, 'merchant', o.merchants);
  // operator001 is an operator and an administrator: the one drill user with hp.ad.impression's create right.
  const [admin] = await rpcLogins(o.gatewayUrl, o.database, 'operator', 1);
  report.memberIds = members.map((m) => m.uid);
  report.merchantIds = merchants.map((m) => m.uid);
  report.adminId = admin!.uid;

  // Before the load: the products' prices (hp.mall.order.line's price_unit default), and the drill's stock of the products it sells from stock.
  const prices = new Map<number, number>();
  const products = (await members[0]!.exec('product.product', 'read', [[...STOCKED_PRODUCTS, ...UNSTOCKED_PRODUCTS], ['lst_price']])) as { id: number; lst_price: number }[];
  for (const p of products) prices.set(p.id, p.lst_price);
  for (const productId of STOCKED_PRODUCTS) {
    const id = Number(await merchants[0]!.exec('hp.inventory', 'create', [{ product_id: productId, warehouse: `${drillWarehousePrefix(o.runTag)}STOCK`, quantity: DRILL_STOCK, reserved: 0 }]));
    report.stockedRows[String(productId)] = id;
  }
  const restUsed = new Set<string>();

  /** The next steps of lifecycles. */
  const ready: DrillCall<EcChannel>[] = [];
  /** Rows with a write or its read-back in flight, and campaigns held by an impression or a pause until its last read-back. */
  const busy = new Set<string>();
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<EcChannel>(report, busy);
  const refused = (method: string, expected: RegExp, call: () => Promise<unknown>, what: string) => expectRefusal(report.refusals, method, expected, call, what);
  const then = (next?: () => DrillCall<EcChannel> | undefined) => () => {
    const call = next?.();
    if (call) ready.push(call);
  };

  const member = (k: number) => members[k % members.length]!;
  const merchant = (k: number) => merchants[k % merchants.length]!;
  const bought = [...STOCKED_PRODUCTS, ...UNSTOCKED_PRODUCTS];

  const rest = o.restUrl
    ? ecRestCalls({
        rest: bearerRest(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), report, runTag: o.runTag, used: restUsed, queueReadBack, busy, ready,
        members: report.memberIds, merchants: report.merchantIds, adminId: report.adminId, products: bought, prices,
        serving: (k) => servingCampaign(k), lockOf: (c) => lockOf(c), payOverRpc: (order, next) => payOverRpc(order, next),
      })
    : undefined;

  const readCall = (k: number): DrillCall<EcChannel> => {
    const m = member(k);
    const me = merchant(k);
    const search = (who: RpcLogin, model: string, domain: unknown[], kwargs: Record<string, unknown>, label = ''): DrillCall<EcChannel> => ({
      method: `${model}.search_read${label}`, channel: who.channel, write: false, run: async () => void (await who.exec(model, 'search_read', [domain], kwargs)),
    });
    switch (k % 10) {
      case 0:
        return search(m, 'hp.mall.order', [['buyer_id', '=', m.uid]], { fields: ['name', 'state', 'amount_total', 'paid_at'], limit: 10 });
      case 1:
        return search(m, 'product.product', [['sale_ok', '=', true]], { fields: ['name', 'lst_price', 'hp_health_category'], limit: 10 });
      case 2:
        return search(me, 'hp.inventory', [], { fields: ['product_id', 'warehouse', 'quantity', 'reserved'], limit: 20 });
      case 3:
        return search(me, 'hp.ad.campaign', [['state', '=', 'running']], { fields: ['name', 'budget', 'spent', 'state', 'bid_cpm'], limit: 10 });
      case 4:
        return search(me, 'hp.ad.impression', [], { fields: ['campaign_id', 'user_id', 'cost', 'clicked', 'shown_at'], limit: 10 });
      case 5:
        return search(me, 'hp.mall.order', [['state', 'in', ['paid', 'shipped']]], { fields: ['name', 'buyer_id', 'state', 'amount_total'], limit: 10 });
      case 6:
        return search(m, 'hp.mall.order.line', [['product_id', 'in', bought]], { fields: ['order_id', 'product_id', 'quantity', 'price_unit', 'subtotal'], limit: 10 });
      case 7:
        return { method: 'hp.mall.order.read_group', channel: me.channel, write: false, run: async () => void (await me.exec('hp.mall.order', 'read_group', [[], ['amount_total:sum'], ['state']], { lazy: true })) };
      case 8:
        return { method: 'hp.ad.impression.search_count', channel: me.channel, write: false, run: async () => void (await me.exec('hp.ad.impression', 'search_count', [[['campaign_id', 'in', report.campaigns.map((c) => c.id)]]])) };
      default:
        return rest?.read(k) ?? { method: 'hp.mall.order.search_count', channel: m.channel, write: false, run: async () => void (await m.exec('hp.mall.order', 'search_count', [[['buyer_id', '=', m.uid], ['state', '=', 'draft']]])) };
    }
  };

  let orderNo = 0;
  const orderLifecycle = (): DrillCall<EcChannel> => {
    const k = orderNo++;
    const m = member(k);
    const me = merchant(k);
    const lines: TrackedLine[] = Array.from({ length: 1 + (k % 3) }, (_, i) => {
      const productId = bought[(k + i * 3) % bought.length]!;
      return { productId, quantity: 1 + ((k + i) % 3), priceUnit: prices.get(productId)! };
    });
    const amountTotal = lines.reduce((sum, l) => sum + Math.round(l.quantity * l.priceUnit * 100), 0) / 100;
    const order: TrackedOrder = { id: 0, buyerId: m.uid, state: 'draft', lines, amountTotal, via: `rpc (${m.channel})` };
    const check = (who: RpcLogin, writtenAt: number, next?: () => DrillCall<EcChannel> | undefined) => {
      const state = order.state;
      readBack(who, 'hp.mall.order', order.id, ['state', 'buyer_id', 'amount_total', 'line_ids'], writtenAt, (row) =>
        row.state !== state || idOf(row.buyer_id) !== order.buyerId || cents(row.amount_total) !== Math.round(amountTotal * 100) || (row.line_ids as unknown[]).length !== lines.length
          ? `reads ${String(row.state)} of ${String(idOf(row.buyer_id))} total ${String(row.amount_total)} with ${(row.line_ids as unknown[]).length} lines, wrote ${state} total ${amountTotal} with ${lines.length}`
          : undefined, then(next));
    };
    const action = (who: RpcLogin, name: 'action_pay' | 'action_ship' | 'action_deliver' | 'action_cancel', to: MallOrderState, next?: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel> => ({
      method: `hp.mall.order.${name}`, channel: who.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await who.exec('hp.mall.order', name, [[order.id]]);
        order.state = to;
        order.lastAction = { via: `${name} over ${who.channel}`, at: writtenAt };
        check(who, writtenAt, next);
      },
    });
    const refusal = (who: RpcLogin, name: 'action_ship' | 'action_cancel', expected: RegExp, next?: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel> => ({
      method: `hp.mall.order.${name} (refused)`, channel: who.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused(`hp.mall.order.${name}`, expected, () => who.exec('hp.mall.order', name, [[order.id]]), `${name} of mall order ${order.id} (${order.state})`);
        check(who, writtenAt, next);
      },
    });
    const plans: (() => DrillCall<EcChannel>)[] = [
      () => action(m, 'action_pay', 'paid', () => action(me, 'action_ship', 'shipped', () => action(me, 'action_deliver', 'delivered', () => refusal(me, 'action_cancel', cannot('cancel', 'delivered'))))),
      () => action(m, 'action_cancel', 'cancelled'),
      () => action(m, 'action_pay', 'paid', () => action(m, 'action_cancel', 'cancelled')),
      () => refusal(me, 'action_ship', cannot('ship', 'draft'), () => action(m, 'action_pay', 'paid', () => action(me, 'action_ship', 'shipped'))),
    ];
    return {
      method: 'hp.mall.order.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        order.id = Number(await m.exec('hp.mall.order', 'create', [{ buyer_id: m.uid, line_ids: lines.map((l) => [0, 0, { product_id: l.productId, quantity: l.quantity }]) }]));
        order.lastAction = { via: `create over ${m.channel}`, at: writtenAt };
        report.orders.push(order);
        check(m, writtenAt, plans[k % plans.length]);
      },
    };
  };

  /** A REST order paid by its buyer over RPC (ec-rest-calls.ts), read back over RPC, then `next`. */
  const payOverRpc = (order: TrackedOrder, next: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel> => {
    const m = members.find((x) => x.uid === order.buyerId)!;
    return {
      method: 'hp.mall.order.action_pay (REST order)', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await m.exec('hp.mall.order', 'action_pay', [[order.id]]);
        order.state = 'paid';
        order.lastAction = { via: `action_pay over ${m.channel}`, at: writtenAt };
        readBack(m, 'hp.mall.order', order.id, ['state', 'amount_total'], writtenAt, (r) =>
          r.state !== 'paid' || cents(r.amount_total) !== Math.round(order.amountTotal * 100) ? `reads ${String(r.state)} total ${String(r.amount_total)}, wrote paid total ${order.amountTotal}` : undefined, then(next));
      },
    };
  };

  let inventoryNo = 0;
  const inventoryLifecycle = (): DrillCall<EcChannel> => {
    const k = inventoryNo++;
    const me = merchant(k);
    const row: TrackedInventory = { id: 0, productId: KEPT_PRODUCTS[k % KEPT_PRODUCTS.length]!, warehouse: `${drillWarehousePrefix(o.runTag)}${k}`, quantity: 40 + (k % 60), reserved: 0, via: `rpc (${me.channel})` };
    const check = (writtenAt: number, next?: () => DrillCall<EcChannel> | undefined) => {
      const { quantity, reserved } = row;
      readBack(me, 'hp.inventory', row.id, ['product_id', 'warehouse', 'quantity', 'reserved'], writtenAt, (r) =>
        r.quantity !== quantity || r.reserved !== reserved || r.warehouse !== row.warehouse || idOf(r.product_id) !== row.productId
          ? `reads ${String(r.warehouse)} quantity ${String(r.quantity)} reserved ${String(r.reserved)}, wrote quantity ${quantity} reserved ${reserved}` : undefined, then(next));
    };
    const write = (vals: { quantity?: number; reserved?: number }, next?: () => DrillCall<EcChannel> | undefined): DrillCall<EcChannel> => ({
      method: `hp.inventory.write ${Object.keys(vals).join(', ')}`, channel: me.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await me.exec('hp.inventory', 'write', [[row.id], vals]);
        Object.assign(row, vals);
        check(writtenAt, next);
      },
    });
    const overReserve = (next: () => DrillCall<EcChannel>): DrillCall<EcChannel> => ({
      method: 'hp.inventory.write reserved (refused)', channel: me.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused('hp.inventory.write', RESERVED_ABOVE_QUANTITY, () => me.exec('hp.inventory', 'write', [[row.id], { reserved: row.quantity + 10 }]), `reserved ${row.quantity + 10} of inventory ${row.id} (quantity ${row.quantity})`);
        check(writtenAt, next);
      },
    });
    return {
      method: 'hp.inventory.create', channel: me.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        row.id = Number(await me.exec('hp.inventory', 'create', [{ product_id: row.productId, warehouse: row.warehouse, quantity: row.quantity, reserved: 0 }]));
        report.inventories.push(row);
        check(writtenAt, () => write({ reserved: 1 + (k % 9) }, () => overReserve(() => write({ quantity: row.quantity + 25 }))));
      },
    };
  };

  /** A campaign's lock: impressions (until their spent read-back) and a pause (until the start after it) take it, so REST never serves a paused campaign. */
  const lockOf = (c: TrackedCampaign) => `campaign-lock#${c.id}`;
  const readSpent = (who: RpcLogin, c: TrackedCampaign, writtenAt: number, after: () => void) => {
    const spentCents = c.spentCents;
    report.spentReads++;
    queueReadBack('hp.ad.campaign.read spent', who.channel, `hp.ad.campaign#${c.id}`, writtenAt, async () => {
      const rows = (await who.exec('hp.ad.campaign', 'read', [[c.id], ['spent', 'state']])) as { spent: number }[];
      return cents(rows[0]?.spent) === spentCents ? undefined : `campaign ${c.id}: spent ${String(rows[0]?.spent)}, its impressions cost ${spentCents / 100}`;
    }, after);
  };

  let campaignNo = 0;
  const campaignCreate = (): DrillCall<EcChannel> => {
    const k = campaignNo++;
    const me = merchant(k);
    const c: TrackedCampaign = { id: 0, name: `${drillCampaignPrefix(o.runTag)}${k}`, state: 'draft', budget: 1000, spentCents: 0, restImpressions: 0, restCents: 0, via: `rpc (${me.channel})` };
    return {
      method: 'hp.ad.campaign.create', channel: me.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        c.id = Number(await me.exec('hp.ad.campaign', 'create', [{ name: c.name, budget: c.budget, bid_cpm: 20 + (k % 5), target_tags: 'drill' }]));
        report.campaigns.push(c);
        busy.add(lockOf(c));
        campaignCheck(me, c, writtenAt, () => campaignAction(me, c, 'action_start', 'running', undefined, true));
      },
    };
  };
  const campaignCheck = (who: RpcLogin, c: TrackedCampaign, writtenAt: number, next?: () => DrillCall<EcChannel> | undefined, unlock = false) => {
    const state = c.state;
    readBack(who, 'hp.ad.campaign', c.id, ['name', 'state', 'budget'], writtenAt, (r) =>
      r.state !== state || r.name !== c.name || Number(r.budget) !== c.budget ? `reads ${String(r.name)} ${String(r.state)} budget ${String(r.budget)}, wrote ${state}` : undefined, () => {
      if (unlock) busy.delete(lockOf(c));
      then(next)();
    });
  };
  const campaignAction = (who: RpcLogin, c: TrackedCampaign, name: 'action_start' | 'action_pause', to: 'running' | 'paused', next?: () => DrillCall<EcChannel> | undefined, unlock = false): DrillCall<EcChannel> => ({
    method: `hp.ad.campaign.${name}`, channel: who.channel, write: true,
    run: async () => {
      const writtenAt = Date.now();
      await who.exec('hp.ad.campaign', name, [[c.id]]);
      c.state = to;
      campaignCheck(who, c, writtenAt, next, unlock);
    },
  });
  /** A running campaign paused, paused again (refused), started again: held from the pause to the start's read-back. */
  const pauseCycle = (who: RpcLogin, c: TrackedCampaign): DrillCall<EcChannel> => {
    busy.add(lockOf(c));
    const againRefused = (): DrillCall<EcChannel> => ({
      method: 'hp.ad.campaign.action_pause (refused)', channel: who.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused('hp.ad.campaign.action_pause', ONLY_RUNNING_PAUSE, () => who.exec('hp.ad.campaign', 'action_pause', [[c.id]]), `pause of campaign ${c.id} (${c.state})`);
        campaignCheck(who, c, writtenAt, () => campaignAction(who, c, 'action_start', 'running', undefined, true));
      },
    });
    return campaignAction(who, c, 'action_pause', 'paused', againRefused);
  };
  /** A running campaign no impression or pause holds. */
  const servingCampaign = (k: number, over: 'rpc' | 'rest' = 'rest') => {
    // With REST in the load, every third campaign is REST's and the others RPC's: sharing them, the
    // more frequent side took every free one and the other starved on a quiet machine (no REST
    // impression batch or pause ran, or too few RPC spends were read back).
    const ours = (c: TrackedCampaign): boolean => !o.restUrl || (report.campaigns.indexOf(c) % 3 === 0) === (over === 'rest');
    const free = report.campaigns.filter((c) => c.state === 'running' && !busy.has(lockOf(c)) && ours(c));
    return free.length ? free[k % free.length] : undefined;
  };

  let impressionNo = 0;
  const impressionCall = (): DrillCall<EcChannel> | undefined => {
    const k = impressionNo++;
    const c = servingCampaign(k, 'rpc');
    if (!c) return undefined;
    busy.add(lockOf(c));
    const userId = report.memberIds[k % report.memberIds.length]!;
    const costCents = 1 + (k % 7);
    const clicked = k % 9 === 0;
    return {
      method: 'hp.ad.impression.create', channel: admin!.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        let id: number;
        try {
          id = Number(await admin!.exec('hp.ad.impression', 'create', [{ campaign_id: c.id, user_id: userId, cost: costCents / 100, clicked }]));
        } catch (error) {
          busy.delete(lockOf(c));
          throw error;
        }
        report.impressions.push({ id, campaignId: c.id, userId, costCents, clicked, via: `rpc (${admin!.channel})` });
        c.spentCents += costCents;
        readBack(admin!, 'hp.ad.impression', id, ['campaign_id', 'cost', 'clicked'], writtenAt, (r) =>
          idOf(r.campaign_id) !== c.id || cents(r.cost) !== costCents || r.clicked !== clicked ? `reads campaign ${String(idOf(r.campaign_id))} cost ${String(r.cost)} clicked ${String(r.clicked)}, wrote ${c.id} ${costCents / 100} ${clicked}` : undefined,
          // Then the campaign's stored spent, read by a merchant: every impression so far.
          () => readSpent(merchant(k), c, writtenAt, () => busy.delete(lockOf(c))));
      },
    };
  };

  const adsCall = (i: number): DrillCall<EcChannel> | undefined => {
    if (report.campaigns.length < Math.max(2, o.merchants) || (i % 40 === 0 && report.campaigns.length < 12)) return campaignCreate();
    const c = servingCampaign(i, 'rpc');
    if (c && i % 10 === 3) return pauseCycle(merchant(i), c);
    return impressionCall();
  };

  const anyWrite = (i: number): DrillCall<EcChannel> => ready.shift() ?? (i % 3 === 0 ? inventoryLifecycle() : adsCall(i) ?? orderLifecycle());
  let n = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots.
  const callNumber = (i: number, perform: Perform<EcChannel>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot === 6) return perform(ready.shift() ?? orderLifecycle());
    if (slot === 7) return perform(ready.shift() ?? (i % 20 < 10 ? orderLifecycle() : inventoryLifecycle()));
    if (slot === 8) return perform(adsCall(i) ?? anyWrite(i));
    return perform((rest && load.restWrites() ? rest.write() : undefined) ?? anyWrite(i));
  };

  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, ready, restUsed, callNumber });
  return load;
}
