import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Legacy dates: `date`. */
type LegacyDate = string | Date;
/** numeric columns come back from pg as text; write them as text or number. */
type Numeric = string | number;

/** M13, M14 and M15's tables, under their legacy names and columns, the same in svc_finance and in the monolith. */
export interface FinanceLegacyTables {
  payments: {
    id: Generated<number>;
    payer_id: number | null;
    currency_id: number;
    source_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    reference: string;
    method: 'wechat' | 'alipay' | 'card' | 'points';
    state: 'pending' | 'succeeded' | 'failed' | 'refunded';
    source_model: string | null;
    provider_txn_id: string | null;
    amount: Numeric | null;
    paid_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  settlements: {
    id: Generated<number>;
    payee_id: number;
    currency_id: number;
    create_uid: number | null;
    write_uid: number | null;
    state: 'draft' | 'confirmed' | 'paid';
    period_start: LegacyDate;
    period_end: LegacyDate;
    gross: Numeric | null;
    fee: Numeric | null;
    net: Numeric | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  points_transactions: {
    id: Generated<number>;
    user_id: number;
    delta: number;
    balance_after: number | null;
    ref_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    reason: 'order' | 'checkin' | 'goal' | 'gift' | 'redeem' | 'adjust';
    ref_model: string | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  gifts: {
    id: Generated<number>;
    price_points: number;
    create_uid: number | null;
    write_uid: number | null;
    name: string;
    active: boolean | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  gift_orders: {
    id: Generated<number>;
    sender_id: number;
    receiver_id: number;
    gift_id: number;
    quantity: number;
    points_spent: number | null;
    live_stream_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    sent_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
}

/** Everything svc_finance holds that finance's code queries (own tables join here as they are added). */
export type FinanceDatabase = FinanceLegacyTables;
