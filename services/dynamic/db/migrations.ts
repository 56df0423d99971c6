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
  {
    id: '0002_feed_service',
    sql: `
-- Dynamic's own tables (never synced with the monolith; MIGRATION.md, M19).
-- Who follows whom, learnt from events: a customer follows the health workers of their orders
-- (reason coach), a health worker their customers (reason client).
CREATE TABLE feed_follows (
  follower_id integer NOT NULL,
  followee_id integer NOT NULL,
  reason text NOT NULL CHECK (reason IN ('coach', 'client')),
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (followee_id, follower_id, reason)
);
-- Community membership, learnt from events that name a community group.
CREATE TABLE feed_community_members (
  group_id integer NOT NULL,
  user_id integer NOT NULL,
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX feed_community_members__user_index ON feed_community_members (user_id);
-- PUT /users/{id}/preferences; version grows with every change (cache keys and cursors carry it).
CREATE TABLE feed_preferences (
  user_id integer PRIMARY KEY,
  verb_weights jsonb NOT NULL DEFAULT '{}',
  muted_actor_ids integer[] NOT NULL DEFAULT '{}',
  version bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Epochs every cached answer is checked against (domain/feed-cache.ts). Triggers keep them, so
-- every writer of M19's tables in this database counts: REST, events, Odoo RPC through the
-- engine after cutover, the forward sync and the legacy-command processor, a reconcile repair
-- (ENABLE ALWAYS: also under session_replication_role = replica).
-- The removal epoch grows when an activity's content or visibility changes, an activity goes,
-- or a table is truncated; a user's epoch when one of their feed entries changes or goes.
-- Inserts move neither (a new entry hides nothing; whoever adds one invalidates the cache).
CREATE TABLE feed_removal_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch bigint NOT NULL
);
INSERT INTO feed_removal_epoch (singleton, epoch) VALUES (true, 0);
CREATE TABLE feed_user_epochs (
  user_id integer PRIMARY KEY,
  epoch bigint NOT NULL
);

CREATE FUNCTION dynamic_bump_removal_epoch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE feed_removal_epoch SET epoch = epoch + 1;
  RETURN NULL;
END $fn$;
CREATE FUNCTION dynamic_activities_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Only what a reader sees: an update of write_date alone (or of nothing) moves no epoch.
  IF EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (
       SELECT 1 FROM new_rows n WHERE n.id = o.id
          AND (n.actor_id, n.visibility, n.verb, n.summary, n.object_model, n.object_id)
              IS NOT DISTINCT FROM (o.actor_id, o.visibility, o.verb, o.summary, o.object_model, o.object_id))) THEN
    UPDATE feed_removal_epoch SET epoch = epoch + 1;
  END IF;
  RETURN NULL;
END $fn$;
CREATE FUNCTION dynamic_activities_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows) THEN
    UPDATE feed_removal_epoch SET epoch = epoch + 1;
  END IF;
  RETURN NULL;
END $fn$;
CREATE FUNCTION dynamic_feeds_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO feed_user_epochs (user_id, epoch)
  SELECT DISTINCT user_id, 1 FROM (SELECT user_id FROM old_rows UNION SELECT user_id FROM new_rows) AS touched ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET epoch = feed_user_epochs.epoch + 1;
  RETURN NULL;
END $fn$;
CREATE FUNCTION dynamic_feeds_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO feed_user_epochs (user_id, epoch)
  SELECT DISTINCT user_id, 1 FROM old_rows ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET epoch = feed_user_epochs.epoch + 1;
  RETURN NULL;
END $fn$;

CREATE TRIGGER activities_updated AFTER UPDATE ON activities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dynamic_activities_updated();
CREATE TRIGGER activities_deleted AFTER DELETE ON activities REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dynamic_activities_deleted();
CREATE TRIGGER activities_truncated AFTER TRUNCATE ON activities FOR EACH STATEMENT EXECUTE FUNCTION dynamic_bump_removal_epoch();
CREATE TRIGGER user_feeds_updated AFTER UPDATE ON user_feeds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dynamic_feeds_updated();
CREATE TRIGGER user_feeds_deleted AFTER DELETE ON user_feeds REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dynamic_feeds_deleted();
CREATE TRIGGER user_feeds_truncated AFTER TRUNCATE ON user_feeds FOR EACH STATEMENT EXECUTE FUNCTION dynamic_bump_removal_epoch();
ALTER TABLE activities ENABLE ALWAYS TRIGGER activities_updated;
ALTER TABLE activities ENABLE ALWAYS TRIGGER activities_deleted;
ALTER TABLE activities ENABLE ALWAYS TRIGGER activities_truncated;
ALTER TABLE user_feeds ENABLE ALWAYS TRIGGER user_feeds_updated;
ALTER TABLE user_feeds ENABLE ALWAYS TRIGGER user_feeds_deleted;
ALTER TABLE user_feeds ENABLE ALWAYS TRIGGER user_feeds_truncated;

-- Read paths of this database (not the monolith's, which keeps its own indexes): a user's feed
-- newest first, and the public activities of the trending window.
CREATE INDEX user_feeds__user_recent_index ON user_feeds (user_id, (coalesce(create_date, '-infinity'::timestamp)) DESC, id DESC);
CREATE INDEX activities__public_recent_index ON activities (create_date) WHERE visibility = 'public';`,
  },
  {
    id: '0003_feed_write_indexes',
    sql: `
-- What recording an event's activities costs in this database (bench/feed.ts: 500 events/s).
-- The dedupe of a fact (domain/record-activity.ts) looks it up by its object: one index range,
-- where activities__actor_id_index visited every activity of the actor (hundreds per member).
CREATE INDEX activities__object_index ON activities (object_id, object_model) WHERE object_id IS NOT NULL;
-- Every read by user starts with user_id in user_feeds_user_activity_uniq and
-- user_feeds__user_recent_index already: one index less to maintain per feed entry.
DROP INDEX IF EXISTS user_feeds__user_id_index;`,
  },
];
