import type { Migration } from '../../kit/index.ts';

/**
 * M04 (hp_marketplace) and M20 (hp_grab) tables under their legacy names and columns, so forward
 * and reverse sync copy rows as they are. References to rows other services own (res_users,
 * res_currency) are plain integers here: those rows live elsewhere.
 */
export const TRADE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'trade_0001_marketplace_and_grab_tables',
    sql: `
      CREATE TABLE health_services (
        id serial PRIMARY KEY,
        coach_id integer,
        currency_id integer NOT NULL,
        duration_minutes integer,
        create_uid integer,
        write_uid integer,
        name varchar NOT NULL,
        category varchar NOT NULL,
        price numeric,
        active boolean,
        create_date timestamp without time zone,
        write_date timestamp without time zone
      );
      CREATE INDEX health_services_category_index ON health_services (category);
      CREATE INDEX health_services_coach_id_index ON health_services (coach_id);

      CREATE TABLE service_orders (
        id serial PRIMARY KEY,
        customer_id integer NOT NULL,
        health_worker_id integer,
        service_id integer REFERENCES health_services (id) ON DELETE RESTRICT,
        currency_id integer NOT NULL,
        rating integer,
        create_uid integer,
        write_uid integer,
        name varchar NOT NULL CONSTRAINT service_orders_name_uniq UNIQUE,
        state varchar NOT NULL,
        note text,
        amount numeric,
        ordered_at timestamp without time zone,
        completed_at timestamp without time zone,
        create_date timestamp without time zone,
        write_date timestamp without time zone
      );
      CREATE INDEX service_orders_state_index ON service_orders (state);
      CREATE INDEX service_orders_customer_id_index ON service_orders (customer_id);

      CREATE TABLE appointments (
        id serial PRIMARY KEY,
        order_id integer REFERENCES service_orders (id) ON DELETE CASCADE,
        customer_id integer,
        health_worker_id integer,
        create_uid integer,
        write_uid integer,
        state varchar NOT NULL,
        location varchar,
        online boolean,
        start_at timestamp without time zone NOT NULL,
        end_at timestamp without time zone NOT NULL,
        create_date timestamp without time zone,
        write_date timestamp without time zone,
        CONSTRAINT appointments_end_after_start CHECK (end_at > start_at)
      );

      CREATE TABLE grab_orders (
        id serial PRIMARY KEY,
        service_order_id integer NOT NULL REFERENCES service_orders (id) ON DELETE CASCADE,
        coach_id integer NOT NULL,
        create_uid integer,
        write_uid integer,
        state varchar NOT NULL,
        requested_at timestamp without time zone,
        decided_at timestamp without time zone,
        create_date timestamp without time zone,
        write_date timestamp without time zone,
        CONSTRAINT grab_orders_order_coach_uniq UNIQUE (service_order_id, coach_id)
      );

      CREATE TABLE matching_rules (
        id serial PRIMARY KEY,
        priority integer,
        create_uid integer,
        write_uid integer,
        name varchar NOT NULL,
        category varchar NOT NULL,
        min_level varchar NOT NULL,
        active boolean,
        create_date timestamp without time zone,
        write_date timestamp without time zone,
        max_distance_km double precision,
        weight_rating double precision,
        weight_distance double precision
      );
    `,
  },
  {
    id: 'trade_0002_order_names_and_no_foreign_keys',
    // The counter behind SO/<year>/<n> names on trade's side (db/order-names.ts). The sync's
    // snapshot truncates and fills one table at a time, which foreign keys forbid: the two
    // rules they stood for (a service in use cannot be deleted; deleting an order deletes its
    // appointments and grabs) are behaviour in odoo/unlink-rules.ts.
    sql: `
      CREATE SEQUENCE service_order_name_seq;
      ALTER TABLE service_orders DROP CONSTRAINT IF EXISTS service_orders_service_id_fkey;
      ALTER TABLE appointments DROP CONSTRAINT IF EXISTS appointments_order_id_fkey;
      ALTER TABLE grab_orders DROP CONSTRAINT IF EXISTS grab_orders_service_order_id_fkey;
      CREATE INDEX IF NOT EXISTS appointments_order_id_index ON appointments (order_id);
      CREATE INDEX IF NOT EXISTS grab_orders_service_order_id_index ON grab_orders (service_order_id);
    `,
  },
  {
    id: 'trade_0003_order_creation_saga',
    // The saga's effects on trade's side, once per idempotency key: the order each creation key
    // made, and the customers held for review after an order creation failed past verification.
    sql: `
      CREATE TABLE order_creation_keys (key text PRIMARY KEY, order_id integer NOT NULL);
      CREATE TABLE customer_holds (
        idempotency_key text PRIMARY KEY,
        user_id integer NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customer_holds_user_id_index ON customer_holds (user_id);
    `,
  },
];
