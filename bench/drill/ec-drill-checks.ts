import type pg from 'pg';
import { drillCampaignPrefix, drillWarehousePrefix } from './ec-load.ts';
import type { EcLoadReport } from './ec-load-types.ts';
import { sideChecker, type SideCheck } from './side-check.ts';

/** The mall orders of the drill's members before the drill (ids, on the monolith); inventories and campaigns of the drill are all new (named by the run). */
export interface EcBaseline {
  orders: Set<number>;
  order_lines: Set<number>;
}

export async function ecBaseline(pool: pg.Pool, members: readonly number[]): Promise<EcBaseline> {
  const { rows: orders } = await pool.query<{ id: number }>('SELECT id FROM orders WHERE buyer_id = ANY($1::int4[])', [members]);
  const { rows: lines } = await pool.query<{ id: number }>('SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.buyer_id = ANY($1::int4[])', [members]);
  return { orders: new Set(orders.map((r) => r.id)), order_lines: new Set(lines.map((r) => r.id)) };
}

const cents = (value: string | number | null) => Math.round(Number(value ?? 0) * 100);
const lineKey = (productId: number, quantity: number, priceCents: number) => `${productId}×${quantity}@${priceCents}`;

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it, and no other new row of the drill's members, warehouses or
 * campaigns. A mall order: its buyer, state and amount_total (the cent sum of its lines); its
 * lines: the products, quantities and prices asked for, each subtotal quantity × price. An
 * inventory row the merchants kept: its product, quantity and reserved. A campaign: its state,
 * budget and spent, exactly the whole-cent costs of the impressions it was answered (RPC ones by
 * id, REST ones by count: their ids are not answered). The drill's stocked rows are the
 * reservations' (reservedAgreesWithLedger).
 */
export async function checkEcSide(side: SideCheck['side'], pool: pg.Pool, baseline: EcBaseline, report: EcLoadReport): Promise<SideCheck> {
  const { check, newRows, compare } = sideChecker(side, pool, baseline as unknown as Record<string, ReadonlySet<number>>);

  const orders = await newRows<{ id: number; buyer_id: number; state: string; amount_total: string | null }>('orders', 'buyer_id, state, amount_total::text AS amount_total', 'buyer_id = ANY($1::int4[])', report.memberIds);
  compare('orders', report.orders, orders, (t, r) =>
    r.buyer_id !== t.buyerId || r.state !== t.state || cents(r.amount_total) !== Math.round(t.amountTotal * 100)
      ? `holds ${r.state} of ${r.buyer_id} total ${r.amount_total}, last written ${t.state} of ${t.buyerId} total ${t.amountTotal}` : undefined);

  type LineRow = { id: number; order_id: number; product_id: number; quantity: number | null; price_unit: string | null; subtotal: string | null };
  const lines = await newRows<LineRow>(
    'order_lines', 'order_id, product_id, quantity, price_unit::text AS price_unit, subtotal::text AS subtotal',
    'order_id IN (SELECT id FROM orders WHERE buyer_id = ANY($1::int4[]))', report.memberIds,
  );
  const linesByOrder = new Map<number, LineRow[]>();
  for (const l of lines.values()) linesByOrder.set(l.order_id, [...(linesByOrder.get(l.order_id) ?? []), l]);
  const tracked = new Set(report.orders.map((o) => o.id));
  for (const o of report.orders) {
    const found = linesByOrder.get(o.id) ?? [];
    const want = o.lines.map((l) => lineKey(l.productId, l.quantity, Math.round(l.priceUnit * 100))).sort();
    const have = found.map((l) => lineKey(l.product_id, l.quantity ?? 0, cents(l.price_unit))).sort();
    if (have.length < want.length) check.missing.push(`order_lines of order #${o.id}: ${want.length} asked for, ${have.length} present`);
    else if (have.length > want.length) check.extra.push(`order_lines of order #${o.id}: ${want.length} asked for, ${have.length} present`);
    else if (have.join() !== want.join()) check.wrong.push(`order_lines of order #${o.id}: hold ${have.join(', ')}, asked for ${want.join(', ')}`);
    for (const l of found) {
      if (cents(l.subtotal) !== Math.round((l.quantity ?? 0) * Number(l.price_unit ?? 0) * 100)) check.wrong.push(`order_lines #${l.id}: subtotal ${l.subtotal}, ${l.quantity} × ${l.price_unit}`);
    }
  }
  for (const [orderId, found] of linesByOrder) if (!tracked.has(orderId)) check.extra.push(...found.map((l) => `order_lines #${l.id} (of untracked order ${orderId})`));

  const warehouses = `${drillWarehousePrefix(report.runTag)}%`;
  const stocked = new Set(Object.values(report.stockedRows));
  const { rows: inventoryRows } = await pool.query<{ id: number; product_id: number; warehouse: string; quantity: number | null; reserved: number | null }>(
    'SELECT id, product_id, warehouse, quantity, reserved FROM inventories WHERE warehouse LIKE $1 ORDER BY id', [warehouses],
  );
  compare('inventories', report.inventories, new Map(inventoryRows.filter((r) => !stocked.has(r.id)).map((r) => [r.id, r])), (t, r) =>
    r.product_id !== t.productId || r.warehouse !== t.warehouse || (r.quantity ?? 0) !== t.quantity || (r.reserved ?? 0) !== t.reserved
      ? `holds ${r.warehouse} quantity ${r.quantity} reserved ${r.reserved}, last written quantity ${t.quantity} reserved ${t.reserved}` : undefined);
  for (const id of stocked) if (!inventoryRows.some((r) => r.id === id)) check.missing.push(`inventories #${id} (the drill's stock)`);

  const { rows: campaignRows } = await pool.query<{ id: number; name: string; state: string; budget: string | null; spent: string | null }>(
    'SELECT id, name, state, budget::text AS budget, spent::text AS spent FROM ad_campaigns WHERE name LIKE $1 ORDER BY id', [`${drillCampaignPrefix(report.runTag)}%`],
  );
  compare('ad_campaigns', report.campaigns, new Map(campaignRows.map((r) => [r.id, r])), (t, r) =>
    r.name !== t.name || r.state !== t.state || Number(r.budget) !== t.budget || cents(r.spent) !== t.spentCents
      ? `holds ${r.state} budget ${r.budget} spent ${r.spent}, last written ${t.state} budget ${t.budget}, its impressions cost ${t.spentCents / 100}` : undefined);

  const campaignIds = report.campaigns.map((c) => c.id);
  const { rows: impressionRows } = await pool.query<{ id: number; campaign_id: number; user_id: number | null; cost: string | null; clicked: boolean | null }>(
    'SELECT id, campaign_id, user_id, cost::text AS cost, clicked FROM ad_impressions WHERE campaign_id = ANY($1::int4[]) ORDER BY id', [campaignIds],
  );
  compare('ad_impressions', report.impressions, new Map(impressionRows.map((r) => [r.id, r])), (t, r) =>
    r.campaign_id !== t.campaignId || r.user_id !== t.userId || cents(r.cost) !== t.costCents || (r.clicked ?? false) !== t.clicked
      ? `holds campaign ${r.campaign_id} user ${r.user_id} cost ${r.cost} clicked ${r.clicked}, written ${t.campaignId} ${t.userId} ${t.costCents / 100} ${t.clicked}` : undefined,
    // The REST batches' rows (no id answered): each campaign holds exactly the count it was answered, at their cost.
    (untracked) => {
      const surplus: typeof untracked = [];
      for (const c of report.campaigns) {
        const mine = untracked.filter((r) => r.campaign_id === c.id);
        if (mine.length < c.restImpressions) check.missing.push(`ad_impressions of campaign #${c.id}: ${c.restImpressions} accepted over REST, ${mine.length} present`);
        surplus.push(...mine.slice(c.restImpressions));
        const restCents = mine.slice(0, c.restImpressions).reduce((sum, r) => sum + cents(r.cost), 0);
        if (mine.length >= c.restImpressions && restCents !== c.restCents) check.wrong.push(`ad_impressions of campaign #${c.id} over REST cost ${restCents / 100}, sent ${c.restCents / 100}`);
      }
      return surplus;
    });
  return check;
}

/**
 * The drill's stocked rows against ec's reservation ledger (svc_ec's mall_reservations, the one
 * record of which line holds what): on `side`, each row's reserved is the units the ledger holds
 * on it (nothing else reserves those products), and no line of a cancelled or delivered order of
 * the drill still holds units (a cancel gives them back, a delivery takes them out of stock), as
 * `wrong` lines of a side check.
 */
export async function reservedAgreesWithLedger(side: pg.Pool, service: pg.Pool, report: EcLoadReport, phaseAt: (at: number) => string = () => '?'): Promise<string[]> {
  const rows = Object.values(report.stockedRows);
  const [{ rows: inventories }, { rows: ledger }] = await Promise.all([
    side.query<{ id: number; quantity: number | null; reserved: number | null }>('SELECT id, quantity, reserved FROM inventories WHERE id = ANY($1::int4[])', [rows]),
    service.query<{ line_id: number; order_id: number; inventory_id: number; quantity: number }>('SELECT line_id, order_id, inventory_id, quantity FROM mall_reservations WHERE inventory_id = ANY($1::int4[])', [rows]),
  ]);
  const wrong: string[] = [];
  for (const inv of inventories) {
    const held = ledger.filter((l) => l.inventory_id === inv.id).reduce((sum, l) => sum + Number(l.quantity), 0);
    if ((inv.reserved ?? 0) !== held) wrong.push(`inventories #${inv.id}: reserved ${inv.reserved}, the reservation ledger holds ${held}`);
  }
  const finished = new Map(report.orders.filter((o) => o.state === 'cancelled' || o.state === 'delivered').map((o) => [o.id, o]));
  for (const l of ledger) {
    const order = finished.get(l.order_id);
    if (order) wrong.push(`mall_reservations of line ${l.line_id}: its order ${l.order_id} (made over ${order.via}) is ${order.state} (${order.lastAction ? `${order.lastAction.via} in phase ${phaseAt(order.lastAction.at)}` : 'how unknown'}) and still holds ${l.quantity} units`);
  }
  return wrong;
}
