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
    ordered_at: Date | null;
    completed_at: Date | null;
    create_date: Date | null;
    write_date: Date | null;
  };
}
