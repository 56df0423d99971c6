import { on, type BusinessRule, type RuleBreach, type TableLocator } from './rule-model.ts';

/**
 * The invariants of M09 and M10 (hp_mall, hp_ads: the ec service), from the addons' sources. The
 * two modules change owner on their own, so each rule reads the tables of one module only
 * (res_currency, Odoo's own, is read where it lives: the monolith).
 *
 * - hp.mall.order.line `subtotal` (`_compute_subtotal`, store=True): `quantity * price_unit`, a
 *   Monetary: stored rounded to the line's currency (related order_id.currency_id).
 * - hp.mall.order `amount_total` (`_compute_amount_total`, store=True, depends on
 *   `line_ids.subtotal`): the sum of the lines' subtotals, rounded to the order's currency; 0 for
 *   an order without lines.
 * - hp.inventory: `reserved <= quantity` is the table's CHECK (and the general rule
 *   inventory-reserved-within-quantity of business-rules.ts); a reservation released more often
 *   than it was taken leaves a negative `reserved` the CHECK lets through: 0 <= reserved.
 * - hp.ad.campaign `spent` (`_compute_spent`, store=True, depends on `impression_ids.cost`): "Sum
 *   of the cost of all impressions". Odoo sums the costs as its cache holds them, and a cost set
 *   in the same create as its impression is in the cache before its currency (a related field) is,
 *   so unrounded: the monolith's seed stored costs of 0.0298 as 0.03 while `spent` summed 0.0298
 *   (campaign 1: spent 9.49, its 319 stored costs sum to 9.57). Each stored cost is within half a
 *   unit of the currency of what was summed, so `spent` is within half a unit per impression (and
 *   half a unit for its own rounding) of the stored costs' sum, never further. That slack can hide a
 *   doubled batch of 1-cent impressions of a large campaign; exactness is the drill's check of its
 *   own campaigns, whose costs are whole cents (bench/drill/ec-drill-checks.ts), and a batch one side
 *   doubled is a row difference the comparison reports.
 * - hp.mall.order.line `order_id` and hp.ad.impression `campaign_id` (required, ondelete='cascade'):
 *   in the monolith PostgreSQL's foreign keys delete lines and impressions with their order or
 *   campaign; svc_ec keeps no foreign keys, so a line or impression naming an order or campaign
 *   that does not exist is a cascade the service missed.
 */

/** Half a unit of each currency's last decimal (CNY: 0.005), from the monolith's res_currency: what a Monetary's rounding may move a value. */
async function halfUnits(locateSource: TableLocator): Promise<Map<number, number>> {
  const { rows } = await on(locateSource, 'res_currency').query<{ id: number; decimal_places: number | null }>('SELECT id, decimal_places FROM res_currency');
  return new Map(rows.map((r) => [r.id, 0.5 * 10 ** -(r.decimal_places ?? 2)]));
}

/** Float noise of a numeric read as a JavaScript number, on top of a currency's half unit. */
const EPSILON = 1e-9;

const lineSubtotal: BusinessRule = {
  id: 'mall-line-subtotal-computed',
  title: "Every mall order line's subtotal is its quantity times its unit price",
  description:
    "For every order line, subtotal equals quantity × price_unit rounded to the line's currency (within half a unit of its last decimal), " +
    'as hp.mall.order.line computes and stores it; an empty quantity or price reads 0.',
  tables: ['order_lines'],
  scope: 'per-side',
  async check(sides, side) {
    const [half, { rows }] = await Promise.all([
      halfUnits(sides.source),
      on(sides[side], 'order_lines').query<{ id: number; order_id: number; currency_id: number | null; quantity: number | null; price_unit: string | null; subtotal: string | null }>(
        'SELECT id, order_id, currency_id, quantity, price_unit::text AS price_unit, subtotal::text AS subtotal FROM order_lines ORDER BY id',
      ),
    ]);
    return rows.flatMap((l): RuleBreach[] => {
      const expected = (l.quantity ?? 0) * Number(l.price_unit ?? 0);
      if (Math.abs(Number(l.subtotal ?? 0) - expected) <= (half.get(l.currency_id ?? -1) ?? 0.005) + EPSILON) return [];
      return [{
        ids: { order_lines: [l.id], orders: [l.order_id] },
        detail: `order line ${l.id} (order ${l.order_id}): subtotal ${l.subtotal ?? 'empty'}, quantity ${l.quantity ?? 'empty'} × price ${l.price_unit ?? 'empty'} = ${expected}`,
        noRepair: 'which of quantity, price and subtotal was written last is not in the row: a person decides what the line sold',
      }];
    });
  },
};

const orderAmountTotal: BusinessRule = {
  id: 'mall-order-amount-computed',
  title: "Every mall order's total is the sum of its lines' subtotals",
  description:
    "For every mall order, amount_total equals the sum of its lines' subtotals (order_lines.order_id) rounded to the order's currency, " +
    '0 without lines, as hp.mall.order computes and stores it.',
  tables: ['orders', 'order_lines'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [half, orders, totals] = await Promise.all([
      halfUnits(sides.source),
      on(locate, 'orders').query<{ id: number; buyer_id: number; currency_id: number; state: string; amount_total: string | null }>(
        'SELECT id, buyer_id, currency_id, state, amount_total::text AS amount_total FROM orders ORDER BY id',
      ),
      on(locate, 'order_lines').query<{ order_id: number; total: string; n: number }>(
        'SELECT order_id, sum(subtotal)::text AS total, count(*)::int4 AS n FROM order_lines GROUP BY order_id',
      ),
    ]);
    const byOrder = new Map(totals.rows.map((t) => [t.order_id, t]));
    return orders.rows.flatMap((o): RuleBreach[] => {
      const lines = byOrder.get(o.id);
      const expected = Number(lines?.total ?? 0);
      if (Math.abs(Number(o.amount_total ?? 0) - expected) <= (half.get(o.currency_id) ?? 0.005) + EPSILON) return [];
      return [{
        ids: { orders: [o.id], res_users: [o.buyer_id] },
        detail: `mall order ${o.id} (${o.state}): amount_total ${o.amount_total ?? 'empty'}, its ${lines?.n ?? 0} line(s) sum to ${lines?.total ?? '0'}`,
        noRepair: 'a total that differs from its lines is a line lost, doubled or changed after the order was paid: a person compares it with the payment',
      }];
    });
  },
};

const reservedNotNegative: BusinessRule = {
  id: 'inventory-reserved-not-negative',
  title: 'No inventory has a negative reservation',
  description: 'For every inventory row, 0 ≤ reserved (an empty reserved reads 0); reserved ≤ quantity is inventory-reserved-within-quantity.',
  tables: ['inventories'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'inventories').query<{ id: number; product_id: number; warehouse: string; reserved: number }>(
      'SELECT id, product_id, warehouse, reserved FROM inventories WHERE reserved < 0 ORDER BY id',
    );
    return rows.map((r) => ({
      ids: { inventories: [r.id] },
      detail: `inventory ${r.id} (product ${r.product_id}, ${r.warehouse}): reserved ${r.reserved} < 0`,
      noRepair: 'a reservation released twice: the open orders of the product say what is reserved, a person counts them',
    }));
  },
};

const lineOrderExists: BusinessRule = {
  id: 'mall-line-order-exists',
  title: 'No mall order line belongs to an order that does not exist',
  description: "Every order line's order_id finds a mall order (hp.mall.order.line's many2one is required and ondelete='cascade': a deleted order takes its lines).",
  tables: ['order_lines', 'orders'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows } = await on(locate, 'order_lines').query<{ id: number; order_id: number }>('SELECT id, order_id FROM order_lines ORDER BY id');
    const named = [...new Set(rows.map((r) => r.order_id))];
    const existing = new Set((await on(locate, 'orders').query<{ id: number }>('SELECT id FROM orders WHERE id = ANY($1::int4[])', [named])).rows.map((r) => r.id));
    return rows.filter((r) => !existing.has(r.order_id)).map((r) => ({
      ids: { order_lines: [r.id], orders: [r.order_id] },
      detail: `order line ${r.id} belongs to mall order ${r.order_id}, which does not exist`,
      noRepair: 'the order is gone: whether its lines go too (the cascade) or the order comes back is for a person to decide',
    }));
  },
};

const campaignSpent: BusinessRule = {
  id: 'ad-campaign-spent-computed',
  title: "Every ad campaign's spend is the sum of its impressions' costs",
  description:
    "For every ad campaign, spent equals the sum of its impressions' costs (ad_impressions.campaign_id), 0 without any, within half a unit of the " +
    "currency's last decimal per impression and one more: Odoo may sum a cost before storing it rounded (the monolith's seed did), never further.",
  tables: ['ad_campaigns', 'ad_impressions'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [half, campaigns, costs] = await Promise.all([
      halfUnits(sides.source),
      on(locate, 'ad_campaigns').query<{ id: number; currency_id: number; state: string; spent: string | null }>(
        'SELECT id, currency_id, state, spent::text AS spent FROM ad_campaigns ORDER BY id',
      ),
      on(locate, 'ad_impressions').query<{ campaign_id: number; total: string; n: number }>(
        'SELECT campaign_id, sum(cost)::text AS total, count(*)::int4 AS n FROM ad_impressions GROUP BY campaign_id',
      ),
    ]);
    const byCampaign = new Map(costs.rows.map((c) => [c.campaign_id, c]));
    return campaigns.rows.flatMap((c): RuleBreach[] => {
      const impressions = byCampaign.get(c.id);
      const n = impressions?.n ?? 0;
      const gap = Math.abs(Number(c.spent ?? 0) - Number(impressions?.total ?? 0));
      if (gap <= (half.get(c.currency_id) ?? 0.005) * (n + 1) + EPSILON) return [];
      return [{
        ids: { ad_campaigns: [c.id] },
        detail: `ad campaign ${c.id} (${c.state}): spent ${c.spent ?? 'empty'}, its ${n} impression(s) cost ${impressions?.total ?? '0'}`,
        noRepair: 'a spend that differs from its impressions is an impression lost, doubled or not counted: a person compares it with what the advertiser was billed',
      }];
    });
  },
};

const impressionCampaignExists: BusinessRule = {
  id: 'ad-impression-campaign-exists',
  title: 'No ad impression belongs to a campaign that does not exist',
  description: "Every impression's campaign_id finds an ad campaign (hp.ad.impression's many2one is required and ondelete='cascade': a deleted campaign takes its impressions).",
  tables: ['ad_impressions', 'ad_campaigns'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows } = await on(locate, 'ad_impressions').query<{ campaign_id: number; ids: number[] }>(
      'SELECT campaign_id, array_agg(id ORDER BY id) AS ids FROM ad_impressions GROUP BY campaign_id ORDER BY campaign_id',
    );
    const existing = new Set((await on(locate, 'ad_campaigns').query<{ id: number }>('SELECT id FROM ad_campaigns WHERE id = ANY($1::int4[])', [rows.map((r) => r.campaign_id)])).rows.map((r) => r.id));
    return rows.filter((r) => !existing.has(r.campaign_id)).map((r) => ({
      ids: { ad_impressions: r.ids, ad_campaigns: [r.campaign_id] },
      detail: `${r.ids.length} ad impression(s) belong to campaign ${r.campaign_id}, which does not exist`,
      noRepair: 'the campaign is gone: whether its impressions go too (the cascade) or the campaign comes back is for a person to decide',
    }));
  },
};

export const EC_RULES: readonly BusinessRule[] = [lineSubtotal, orderAmountTotal, reservedNotNegative, lineOrderExists, campaignSpent, impressionCampaignExists];
