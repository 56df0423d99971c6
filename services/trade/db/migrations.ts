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
];
