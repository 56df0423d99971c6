import type { Migration } from '../../kit/index.ts';

/**
 * svc_dynamic keeps M19's tables under their legacy names and columns, so that the ORM engine
 * serves hp.activity / hp.user.feed / hp.recommendation from here exactly as from Odoo, and so
 * that forward and reverse sync copy rows without mapping. Ids come from the tables' own
 * sequences; at cutover the control plane moves them into a range the legacy side never uses
 * (migration/control/sync/id-split.ts). No foreign keys: the sync applies a batch per table.
 */
export const DYNAMIC_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_feed_tables',
    sql: `
CREATE TABLE activities (
  id serial PRIMARY KEY,
  actor_id integer NOT NULL,
  object_id integer,
  create_uid integer,
  write_uid integer,
  verb character varying NOT NULL,
  object_model character varying,
  summary character varying,
  visibility character varying NOT NULL,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX activities__actor_id_index ON activities (actor_id);
CREATE INDEX activities__verb_index ON activities (verb);
CREATE TABLE user_feeds (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  activity_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  seen boolean,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  score double precision,
  CONSTRAINT user_feeds_user_activity_uniq UNIQUE (user_id, activity_id)
);
CREATE INDEX user_feeds__user_id_index ON user_feeds (user_id);
CREATE INDEX user_feeds__activity_id_index ON user_feeds (activity_id);
CREATE TABLE recommendations (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  item_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  item_model character varying NOT NULL,
  reason character varying,
  generated_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  score double precision
);
CREATE INDEX recommendations__user_id_index ON recommendations (user_id);`,
  },
];
