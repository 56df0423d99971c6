import type { Migration } from '../../kit/index.ts';

/**
 * svc_ec keeps the tables of M09 (hp_mall: orders, order_lines, inventories) and M10 (hp_ads:
 * ad_campaigns, ad_impressions) under their legacy names and columns, so the ORM engine serves
 * hp.mall.order, hp.mall.order.line, hp.inventory, hp.ad.campaign and hp.ad.impression from here
 * exactly as from Odoo, and forward and reverse sync copy rows without mapping. Ids come from the
 * tables' own sequences; at cutover the control plane moves them into a range the legacy side
 * never uses. No foreign keys: the sync applies a batch per table (the engine checks Odoo's
 * references itself). The addons' _sql_constraints keep Odoo's constraint names
 * (inventories_reserved_le_quantity, inventories_product_warehouse_uniq, orders_name_uniq), so a
 * violation answers as Odoo does. product.template and product.product are not here: they are
 * Odoo's own tables, which other Odoo modules read (see the ec service's notes on products).
 */
export const EC_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_ec_legacy_tables',
    sql: `
CREATE TABLE orders (
  id serial PRIMARY KEY,
  buyer_id integer NOT NULL,
  currency_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  state character varying NOT NULL,
  amount_total numeric,
  paid_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT orders_name_uniq UNIQUE (name)
);
CREATE INDEX orders__buyer_id_index ON orders (buyer_id);
CREATE INDEX orders__name_index ON orders (name);
CREATE INDEX orders__state_index ON orders (state);
CREATE TABLE order_lines (
  id serial PRIMARY KEY,
  order_id integer NOT NULL,
  product_id integer NOT NULL,
  currency_id integer,
  create_uid integer,
  write_uid integer,
  price_unit numeric,
  subtotal numeric,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  quantity double precision
);
CREATE INDEX order_lines__order_id_index ON order_lines (order_id);
CREATE INDEX order_lines__product_id_index ON order_lines (product_id);
CREATE TABLE inventories (
  id serial PRIMARY KEY,
  product_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  warehouse character varying NOT NULL,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  quantity double precision,
  reserved double precision,
  CONSTRAINT inventories_reserved_le_quantity CHECK (reserved <= quantity),
  CONSTRAINT inventories_product_warehouse_uniq UNIQUE (product_id, warehouse)
);
CREATE INDEX inventories__product_id_index ON inventories (product_id);
CREATE TABLE ad_campaigns (
  id serial PRIMARY KEY,
  advertiser_id integer,
  currency_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  state character varying NOT NULL,
  target_tags character varying,
  start_date date,
  end_date date,
  budget numeric,
  spent numeric,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  bid_cpm double precision
);
CREATE INDEX ad_campaigns__advertiser_id_index ON ad_campaigns (advertiser_id);
CREATE INDEX ad_campaigns__state_index ON ad_campaigns (state);
CREATE TABLE ad_impressions (
  id serial PRIMARY KEY,
  campaign_id integer NOT NULL,
  user_id integer,
  currency_id integer,
  create_uid integer,
  write_uid integer,
  cost numeric,
  clicked boolean,
  shown_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX ad_impressions__campaign_id_index ON ad_impressions (campaign_id);
CREATE INDEX ad_impressions__shown_at_index ON ad_impressions (shown_at);
CREATE INDEX ad_impressions__user_id_index ON ad_impressions (user_id);
`,
  },
  {
    // M09's stock reservations (services/ec/domain/inventory-reservations.ts): which warehouse row
    // each order line holds units of, so a cancel gives exactly those back and a delivery takes
    // exactly those out of stock. svc_ec only, in both phases (hp_mall never reserved: Odoo sees
    // only inventories.reserved). And svc_ec's counter of mall order names (`next_by_code
    // ('hp.mall.order')` after cutover, domain/order-names.ts), split from the legacy
    // ir.sequence at cutover like trade's (migration/control/sync/name-sequences.ts).
    id: '0002_ec_mall_reservations',
    sql: `
CREATE TABLE mall_reservations (
  line_id integer PRIMARY KEY,
  order_id integer NOT NULL,
  inventory_id integer NOT NULL,
  quantity double precision NOT NULL CHECK (quantity > 0)
);
CREATE INDEX mall_reservations__order_id_index ON mall_reservations (order_id);
CREATE SEQUENCE mall_order_name_seq;
`,
  },
  {
    // M10's impression ledger (services/ec/domain/impression-batches.ts): the client event id of
    // every impression POST /ads/impressions recorded, so a replayed batch or a repeated id is
    // recorded once. svc_ec only, in both phases (the REST path writes it in its own transaction
    // whichever side holds ad_impressions); the monolith's ad_impressions has no such column and
    // Odoo never sees this table. impression_id resolves a later click to its impression.
    id: '0003_ec_impression_ledger',
    sql: `
CREATE TABLE ec_impression_events (
  campaign_id integer NOT NULL,
  event_id character varying(128) NOT NULL,
  impression_id integer NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, event_id)
);
CREATE INDEX ec_impression_events__recorded_at_index ON ec_impression_events (recorded_at);
`,
  },
  {
    // M09's reservations made for an Odoo call (services/ec/domain/inventory-reservations.ts): the
    // engine's calls run in REPEATABLE READ, where updating an inventory row another call changed
    // since the snapshot fails the call; so the stock is taken in a short READ COMMITTED statement
    // of its own and the ledger row names the call's transaction, which decides whether it stands:
    // a reservation of a transaction that rolled back is given back by the next one that looks.
    id: '0004_ec_reservation_owner_xact',
    sql: `
ALTER TABLE mall_reservations ADD COLUMN pending_xid xid8;
CREATE INDEX mall_reservations__pending_index ON mall_reservations (pending_xid) WHERE pending_xid IS NOT NULL;
`,
  },
  {
    // The impression ledger's age index as BRIN (services/ec/domain/impression-key-pruning.ts):
    // keys are appended in time order and only the pruning reads by age, so a block-range summary
    // finds the old keys, at a fraction of the per-row cost a B-tree took on every impression
    // (one index entry and its WAL record per key, on the path of POST /ads/impressions).
    id: '0005_ec_impression_ledger_age_brin',
    sql: `
DROP INDEX ec_impression_events__recorded_at_index;
CREATE INDEX ec_impression_events__recorded_at_brin ON ec_impression_events USING brin (recorded_at);
`,
  },
];
