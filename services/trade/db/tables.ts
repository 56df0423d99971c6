import type { Generated } from 'kysely';

/** Kysely types of trade's own tables (db/migrations.ts); numeric columns arrive as strings. */
export interface TradeTables {
  health_services: {
    id: Generated<number>;
    coach_id: number | null;
    currency_id: number;
    duration_minutes: number | null;
    create_uid: number | null;
    write_uid: number | null;
    name: string;
    category: string;
    price: string | null;
    active: boolean | null;
    create_date: Date | null;
    write_date: Date | null;
  };
  service_orders: {
    id: Generated<number>;
    customer_id: number;
    health_worker_id: number | null;
    service_id: number | null;
    currency_id: number;
    rating: number | null;
    create_uid: number | null;
    write_uid: number | null;
    name: string;
    state: string;
    note: string | null;
    amount: string | null;
    ordered_at: Date | string | null;
    completed_at: Date | string | null;
    create_date: Date | string | null;
    write_date: Date | string | null;
  };
  appointments: {
    id: Generated<number>;
    order_id: number | null;
    customer_id: number | null;
    health_worker_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    state: string;
    location: string | null;
    online: boolean | null;
    start_at: Date | string;
    end_at: Date | string;
    create_date: Date | string | null;
    write_date: Date | string | null;
  };
  grab_orders: {
    id: Generated<number>;
    service_order_id: number;
    coach_id: number;
    create_uid: number | null;
    write_uid: number | null;
    state: string;
    requested_at: Date | string | null;
    decided_at: Date | string | null;
    create_date: Date | string | null;
    write_date: Date | string | null;
  };
  matching_rules: {
    id: Generated<number>;
    priority: number | null;
    create_uid: number | null;
    write_uid: number | null;
    name: string;
    category: string;
    min_level: string;
    active: boolean | null;
    create_date: Date | string | null;
    write_date: Date | string | null;
    max_distance_km: number | null;
    weight_rating: number | null;
    weight_distance: number | null;
  };
  /** The order-creation saga's orders, one per create_order key (trade_0003). */
  order_creation_keys: {
    key: string;
    order_id: number;
  };
  /** Customers held for review after an order creation failed past verification (trade_0003). */
  customer_holds: {
    idempotency_key: string;
    user_id: number;
    reason: string;
    created_at: Generated<Date>;
  };
}
