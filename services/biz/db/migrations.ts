import type { Migration } from '../../kit/index.ts';

/**
 * svc_biz keeps the tables of M03 (hp_workbench), M07 (hp_live) and M08 (hp_community_biz) under
 * their legacy names and columns, so the ORM engine serves hp.biz.dashboard, hp.live.stream,
 * hp.community.group and hp.community.member from here exactly as from Odoo, and forward and
 * reverse sync copy rows without mapping. Ids come from the tables' own sequences; at cutover the
 * control plane moves them into a range the legacy side never uses. No foreign keys: the sync
 * applies a batch per table (the engine checks Odoo's references itself). The addons'
 * _sql_constraints are kept, under Odoo's constraint names, so a duplicate answers as Odoo does.
 */
export const BIZ_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_biz_legacy_tables',
    sql: `
CREATE TABLE biz_dashboards (
  id serial PRIMARY KEY,
  owner_id integer NOT NULL,
  currency_id integer,
  orders_count integer,
  new_clients integer,
  create_uid integer,
  write_uid integer,
  period date NOT NULL,
  data jsonb,
  revenue numeric,
  rating_avg numeric,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT biz_dashboards_owner_period_uniq UNIQUE (owner_id, period)
);
CREATE INDEX biz_dashboards__owner_id_index ON biz_dashboards (owner_id);
CREATE TABLE live_streams (
  id serial PRIMARY KEY,
  host_id integer NOT NULL,
  viewer_peak integer,
  currency_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  title character varying NOT NULL,
  stream_key character varying,
  state character varying NOT NULL,
  revenue numeric,
  scheduled_at timestamp without time zone,
  started_at timestamp without time zone,
  ended_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT live_streams_stream_key_uniq UNIQUE (stream_key)
);
CREATE INDEX live_streams__host_id_index ON live_streams (host_id);
CREATE INDEX live_streams__state_index ON live_streams (state);
CREATE TABLE community_groups (
  id serial PRIMARY KEY,
  owner_id integer,
  currency_id integer NOT NULL,
  member_count integer,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  privacy character varying NOT NULL,
  description text,
  fee numeric,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX community_groups__owner_id_index ON community_groups (owner_id);
CREATE TABLE members (
  id serial PRIMARY KEY,
  group_id integer NOT NULL,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  role character varying NOT NULL,
  state character varying NOT NULL,
  joined_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT members_group_user_uniq UNIQUE (group_id, user_id)
);
CREATE INDEX members__group_id_index ON members (group_id);
CREATE INDEX members__state_index ON members (state);
CREATE INDEX members__user_id_index ON members (user_id);
`,
  },
  {
    id: '0002_dashboard_facts',
    // The workbench's figures are kept from the other services' events (domain/dashboard-events.ts):
    // each event's business fact is kept once, keyed by the record it is about, so a fact that
    // changes (a stream's takings at its end, a member who leaves) replaces its earlier version and
    // a month's figures are always the sum of the facts, whatever the order or repetition of the
    // events. dashboard_dirty lists the months whose facts changed and that are not projected into
    // biz_dashboards yet (a rating names its order: its month is known once the order's is); an
    // append-only log, so concurrent handlers never wait on one another. performance_reports holds POST /biz/performance, one row per reported activity
    // (its natural key), published as biz_activity.
    sql: `
CREATE TABLE dashboard_facts (
  fact varchar NOT NULL,
  ref_model varchar NOT NULL,
  ref_id integer NOT NULL,
  owner_id integer NOT NULL,
  period date,
  occurred_at timestamp without time zone,
  amount numeric,
  party_id integer,
  score smallint,
  order_id integer,
  counted boolean NOT NULL DEFAULT true,
  PRIMARY KEY (fact, ref_model, ref_id)
);
CREATE INDEX dashboard_facts_owner_period ON dashboard_facts (owner_id, period);
CREATE INDEX dashboard_facts_rated_order ON dashboard_facts (order_id) WHERE fact = 'rating';
CREATE TABLE dashboard_dirty (
  id bigserial PRIMARY KEY,
  owner_id integer,
  period date,
  order_id integer
);
CREATE TABLE performance_reports (
  id serial PRIMARY KEY,
  owner_id integer NOT NULL,
  period date NOT NULL,
  kind varchar NOT NULL,
  ref_model varchar NOT NULL,
  ref_id integer NOT NULL,
  amount numeric,
  currency varchar,
  occurred_at timestamp without time zone NOT NULL,
  reported_by integer NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT performance_reports_activity_uniq UNIQUE (owner_id, kind, ref_model, ref_id)
);
CREATE INDEX performance_reports_owner_period ON performance_reports (owner_id, period);
`,
  },
];
