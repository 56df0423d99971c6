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
  {
    // settlement_lines: see below. The order-creation saga's payment step (trade's reserve_payment / release_payment,
    // domain/payment-reservation.ts). Trade may not import finance, and the kit gives a saga no
    // REST client for another service, so finance offers the step as two functions in its own
    // database: the one implementation of "reserve" and "release", called by finance's own code
    // and by trade's port on this database alike. payment_reservations is the idempotency record:
    // one row per reserve key, written with the payment in one transaction; a release that comes
    // first (the reserve gave up and is compensated) leaves a row without payment, so a late
    // reserve with that key reserves nothing.
    id: '0003_reservations_and_settlement_lines',
    sql: `
CREATE TABLE payment_reservations (
  reserve_key text PRIMARY KEY,
  order_id integer,
  payment_id integer,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  release_key text,
  released_at timestamptz
);
CREATE INDEX payment_reservations__payment_id_index ON payment_reservations (payment_id);
CREATE INDEX payment_reservations__order_id_index ON payment_reservations (order_id);

-- The completed service orders each settlement holds (domain/completion-settlement.ts): one row
-- per order, so an order adds its amount to its coach's settlement once, whatever redelivers it.
CREATE TABLE settlement_lines (
  order_id integer PRIMARY KEY,
  settlement_id integer NOT NULL,
  amount numeric NOT NULL,
  completed_at timestamp without time zone NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX settlement_lines__settlement_id_index ON settlement_lines (settlement_id);

-- A pending hp.payment for a service order, paid by its customer, once per key: the payment as
-- hp.payment's create makes it (method and state defaults wechat / pending, created and written by
-- the payer), with a reference of its own namespace (RSV/SO/<order>/<key digest>) so it can never
-- meet a reference the monolith or the REST API hands out. Returns the payment, or NULL when this
-- key was released before it reserved anything.
CREATE FUNCTION finance_reserve_payment(p_key text, p_order_id integer, p_payer_id integer, p_amount numeric, p_currency_id integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  v_payment integer;
  v_now timestamp := now() at time zone 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('payment_reservations'), hashtext(p_key));
  SELECT payment_id INTO v_payment FROM payment_reservations WHERE reserve_key = p_key;
  IF FOUND THEN
    RETURN v_payment;
  END IF;
  INSERT INTO payments (reference, payer_id, currency_id, amount, method, state, source_model, source_id, create_uid, write_uid, create_date, write_date)
  VALUES ('RSV/SO/' || p_order_id || '/' || substr(md5(p_key), 1, 10), p_payer_id, p_currency_id, p_amount, 'wechat', 'pending', 'hp.service.order', p_order_id,
          p_payer_id, p_payer_id, v_now, v_now)
  RETURNING id INTO v_payment;
  INSERT INTO payment_reservations (reserve_key, order_id, payment_id) VALUES (p_key, p_order_id, v_payment);
  RETURN v_payment;
END
$fn$;

-- Releases what the reserve under p_reserve_key made: its payment, still pending, fails
-- (hp.payment.action_fail's pending -> failed); one already succeeded, failed or refunded is left
-- as it is (the customer paid meanwhile: a refund is an operator's decision, not a compensation's).
-- Without a reservation, records the release so the key can no longer reserve. Returns the
-- payment's state afterwards ('none' without a payment); the same call again changes nothing.
CREATE FUNCTION finance_release_payment(p_reserve_key text, p_release_key text)
RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  v_payment integer;
  v_state text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('payment_reservations'), hashtext(p_reserve_key));
  SELECT payment_id INTO v_payment FROM payment_reservations WHERE reserve_key = p_reserve_key;
  IF NOT FOUND THEN
    INSERT INTO payment_reservations (reserve_key, order_id, payment_id, release_key, released_at) VALUES (p_reserve_key, NULL, NULL, p_release_key, now());
    RETURN 'none';
  END IF;
  UPDATE payment_reservations SET release_key = COALESCE(release_key, p_release_key), released_at = COALESCE(released_at, now()) WHERE reserve_key = p_reserve_key;
  IF v_payment IS NULL THEN
    RETURN 'none';
  END IF;
  UPDATE payments SET state = 'failed', write_date = now() at time zone 'UTC' WHERE id = v_payment AND state = 'pending';
  SELECT state INTO v_state FROM payments WHERE id = v_payment;
  RETURN COALESCE(v_state, 'none');
END
$fn$;`,
  },
];
