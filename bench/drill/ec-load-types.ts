import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The ec drill load's options and report (ec-load.ts runs it; ec-rest-calls.ts and the checks read them). */
export interface EcLoadOptions extends ServiceLoadOptions {
  /** Merchants merchant001… (ship and deliver orders, keep the drill's inventories, run its campaigns), alternately over XML-RPC and JSON-RPC. */
  merchants: number;
}

export const EC_CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type EcChannel = (typeof EC_CHANNELS)[number];

export type MallOrderState = 'draft' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

/** A line as the client asked for it; its price is the product's lst_price (hp.mall.order.line's create default). */
export interface TrackedLine {
  productId: number;
  quantity: number;
  priceUnit: number;
}

/** A mall order a client was told it created, as the last accepted write left it. */
export interface TrackedOrder {
  id: number;
  buyerId: number;
  state: MallOrderState;
  lines: TrackedLine[];
  /** sum(quantity × price), rounded to the cent: amount_total. */
  amountTotal: number;
  via: string;
  /** The last accepted action (create included): its channel and when it was sent (epoch ms), to place it in a phase. */
  lastAction?: { via: string; at: number };
}

/** An inventory row the drill's merchants created (a warehouse of the drill's own) and keep, as the last accepted write left it. */
export interface TrackedInventory {
  id: number;
  productId: number;
  warehouse: string;
  quantity: number;
  reserved: number;
  via: string;
}

export type AdCampaignState = 'draft' | 'running' | 'paused' | 'done';

/** A campaign of the drill, as the last accepted action left it; spent is the sum of the costs of the impressions it was answered. */
export interface TrackedCampaign {
  id: number;
  name: string;
  state: AdCampaignState;
  budget: number;
  /** Cents: the drill's costs are whole cents, so Odoo's stored compute is exact. */
  spentCents: number;
  /** Impressions accepted over REST (their ids are not answered): how many rows beyond the RPC ones, and their costs' sum in cents. */
  restImpressions: number;
  restCents: number;
  via: string;
}

/** An impression created over RPC: once, on its campaign, with this cost. */
export interface TrackedImpression {
  id: number;
  campaignId: number;
  userId: number;
  costCents: number;
  clicked: boolean;
  via: string;
}

export interface EcLoadReport extends CallFigures<EcChannel>, ReadBackFigures {
  orders: TrackedOrder[];
  inventories: TrackedInventory[];
  campaigns: TrackedCampaign[];
  impressions: TrackedImpression[];
  /** The products the drill's orders buy whose only stock is a drill inventory row (reserved on ec's side of the cut), by product. */
  stockedRows: Record<string, number>;
  /** Reads of a campaign's spent right after one of its impressions was answered. */
  spentReads: number;
  /** Answers the drill asks for on purpose (a draft order shipped, a delivered one cancelled, reserved above quantity): the addon's errors, not failures. */
  refusals: { method: string; message: string }[];
  /** REST impression batches sent again under the same eventIds: each answered all duplicates. */
  replayedBatches: number;
  restRoutesUsed: string[];
  /** The run's tag: the drill's warehouses and campaigns are named by it. */
  runTag: string;
  memberIds: number[];
  merchantIds: number[];
  adminId: number;
}
