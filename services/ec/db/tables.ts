import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Legacy dates: `date`. */
type LegacyDate = string | Date;
/** Monetary and other `numeric` columns: pg returns them as strings, to keep every digit. */
type LegacyNumeric = string | number;
type Audit = {
  create_uid: number | null;
  write_uid: number | null;
  create_date: LegacyTimestamp | null;
  write_date: LegacyTimestamp | null;
};

export type MallOrderState = 'draft' | 'paid' | 'shipped' | 'delivered' | 'cancelled';
export type AdCampaignState = 'draft' | 'running' | 'paused' | 'done';
export type HealthCategory = 'supplement' | 'device' | 'food' | 'fitness' | 'care';

/** The tables of M09 and M10, under their legacy names and columns, the same in svc_ec and in the monolith. */
export interface EcLegacyTables {
  orders: Audit & {
    id: Generated<number>;
    buyer_id: number;
    currency_id: number;
    /** From ir.sequence `hp.mall.order` (MO/%(year)s/, padding 5); unique (orders_name_uniq). */
    name: string;
    state: MallOrderState;
    /** sum(order_lines.subtotal), stored. */
    amount_total: LegacyNumeric | null;
    paid_at: LegacyTimestamp | null;
  };
  order_lines: Audit & {
    id: Generated<number>;
    order_id: number;
    product_id: number;
    /** related order_id.currency_id, stored. */
    currency_id: number | null;
    price_unit: LegacyNumeric | null;
    /** quantity * price_unit, stored. */
    subtotal: LegacyNumeric | null;
    quantity: number | null;
  };
  inventories: Audit & {
    id: Generated<number>;
    product_id: number;
    warehouse: string;
    quantity: number | null;
    /** CHECK inventories_reserved_le_quantity: reserved <= quantity. */
    reserved: number | null;
  };
  ad_campaigns: Audit & {
    id: Generated<number>;
    advertiser_id: number | null;
    currency_id: number;
    name: string;
    state: AdCampaignState;
    /** Comma-separated audience tags. */
    target_tags: string | null;
    start_date: LegacyDate | null;
    end_date: LegacyDate | null;
    budget: LegacyNumeric | null;
    /** sum(ad_impressions.cost), stored. */
    spent: LegacyNumeric | null;
    bid_cpm: number | null;
  };
  ad_impressions: Audit & {
    id: Generated<number>;
    campaign_id: number;
    user_id: number | null;
    /** related campaign_id.currency_id, stored. */
    currency_id: number | null;
    cost: LegacyNumeric | null;
    clicked: boolean | null;
    shown_at: LegacyTimestamp | null;
  };
}

/** Everything svc_ec holds that the ec service's code queries (own tables join here as they are added). */
export type EcDatabase = EcLegacyTables;
