import type { Migration } from '../../kit/index.ts';

/**
 * svc_finance keeps M13, M14 and M15's tables under their legacy names and columns, so the ORM
 * engine serves hp.payment, hp.settlement, hp.points.transaction, hp.gift and hp.gift.order from
 * here exactly as from Odoo, and forward and reverse sync copy rows without mapping. Ids come from
 * the tables' own sequences; at cutover the control plane moves them into a range the legacy side
 * never uses. No foreign keys: the sync applies a batch per table (the engine checks Odoo's
 * references itself). The constraints Odoo declares in Python (_sql_constraints) stay, with
 * Odoo's names, so a violation reads as Odoo's.
 */
export const FINANCE_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_finance_legacy_tables',
    sql: `
CREATE TABLE payments (
  id serial PRIMARY KEY,
  payer_id integer,
  currency_id integer NOT NULL,
  source_id integer,
  create_uid integer,
  write_uid integer,
  reference character varying NOT NULL,
  method character varying NOT NULL,
  state character varying NOT NULL,
  source_model character varying,
  provider_txn_id character varying,
  amount numeric,
  paid_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT payments_reference_uniq UNIQUE (reference)
);
CREATE INDEX payments__payer_id_index ON payments (payer_id);
CREATE INDEX payments__reference_index ON payments (reference);
CREATE INDEX payments__source_id_index ON payments (source_id);
CREATE INDEX payments__source_model_index ON payments (source_model);
CREATE INDEX payments__state_index ON payments (state);
CREATE TABLE settlements (
  id serial PRIMARY KEY,
  payee_id integer NOT NULL,
  currency_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  state character varying NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  gross numeric,
  fee numeric,
  net numeric,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX settlements__payee_id_index ON settlements (payee_id);
CREATE INDEX settlements__state_index ON settlements (state);
CREATE TABLE points_transactions (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  delta integer NOT NULL,
  balance_after integer,
  ref_id integer,
  create_uid integer,
  write_uid integer,
  reason character varying NOT NULL,
  ref_model character varying,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX points_transactions__user_id_index ON points_transactions (user_id);
CREATE TABLE gifts (
  id serial PRIMARY KEY,
  price_points integer NOT NULL,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  active boolean,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT gifts_price_positive CHECK (price_points > 0)
);
CREATE TABLE gift_orders (
  id serial PRIMARY KEY,
  sender_id integer NOT NULL,
  receiver_id integer NOT NULL,
  gift_id integer NOT NULL,
  quantity integer NOT NULL,
  points_spent integer,
  live_stream_id integer,
  create_uid integer,
  write_uid integer,
  sent_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT gift_orders_quantity_positive CHECK (quantity > 0)
);
CREATE INDEX gift_orders__live_stream_id_index ON gift_orders (live_stream_id);
CREATE INDEX gift_orders__receiver_id_index ON gift_orders (receiver_id);
CREATE INDEX gift_orders__sender_id_index ON gift_orders (sender_id);`,
  },
  {
    // The payment provider's webhook deliveries finance acted on (domain/webhook-events.ts): the
    // primary key is the replay protection, one row per provider event id, written in the same
    // transaction as the payment's transition, so a redelivery (the provider retries until it
    // sees a 2xx, re-signing each attempt) is answered from here and never acts twice. Kept, not
    // purged: providers retry for days with fresh timestamps, so the signature's 5-minute
    // tolerance alone cannot tell a redelivery from a first delivery.
    id: '0002_payment_webhooks',
    sql: `
CREATE TABLE payment_webhook_events (
  event_id text PRIMARY KEY,
  event_type text NOT NULL,
  payment_id integer,
  outcome text NOT NULL,
  signed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_webhook_events__payment_id_index ON payment_webhook_events (payment_id);`,
  },
];
