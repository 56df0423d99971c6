import type { Migration } from '../../kit/index.ts';

/**
 * svc_content keeps the tables of M06 (hp_knowledge: content_tags, knowledge_contents,
 * knowledge_content_tag_rel, content_purchases), M11 (hp_community: community_posts, comments)
 * and M12 (hp_qa: qa_questions, qa_question_tag_rel, qa_answers) under their legacy names and
 * columns, so the ORM engine serves the six models from here exactly as from Odoo and forward and
 * reverse sync copy rows without mapping. Ids come from the tables' own sequences; at cutover the
 * control plane moves them into a range the legacy side never uses. No foreign keys: the sync
 * applies a batch per table (the engine checks Odoo's references itself). The addons'
 * _sql_constraints keep Odoo's names (content_tags_name_uniq, content_purchases_content_buyer_uniq),
 * so a violation answers as Odoo does; the relation tables keep Odoo's primary keys and indexes.
 */
export const CONTENT_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_content_legacy_tables',
    sql: `
CREATE TABLE content_tags (
  id serial PRIMARY KEY,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT content_tags_name_uniq UNIQUE (name)
);
CREATE TABLE knowledge_contents (
  id serial PRIMARY KEY,
  author_id integer,
  currency_id integer NOT NULL,
  purchase_count integer,
  create_uid integer,
  write_uid integer,
  title character varying NOT NULL,
  content_type character varying NOT NULL,
  body text,
  price numeric,
  published boolean,
  published_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX knowledge_contents__author_id_index ON knowledge_contents (author_id);
CREATE INDEX knowledge_contents__published_index ON knowledge_contents (published);
CREATE TABLE knowledge_content_tag_rel (
  content_id integer NOT NULL,
  tag_id integer NOT NULL,
  PRIMARY KEY (content_id, tag_id)
);
CREATE INDEX knowledge_content_tag_rel_tag_id_content_id_idx ON knowledge_content_tag_rel (tag_id, content_id);
CREATE TABLE content_purchases (
  id serial PRIMARY KEY,
  content_id integer NOT NULL,
  buyer_id integer NOT NULL,
  currency_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  amount numeric,
  purchased_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT content_purchases_content_buyer_uniq UNIQUE (content_id, buyer_id)
);
CREATE INDEX content_purchases__buyer_id_index ON content_purchases (buyer_id);
CREATE INDEX content_purchases__content_id_index ON content_purchases (content_id);
CREATE TABLE community_posts (
  id serial PRIMARY KEY,
  author_id integer NOT NULL,
  group_id integer,
  like_count integer,
  create_uid integer,
  write_uid integer,
  title character varying NOT NULL,
  state character varying NOT NULL,
  body text,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX community_posts__author_id_index ON community_posts (author_id);
CREATE INDEX community_posts__group_id_index ON community_posts (group_id);
CREATE INDEX community_posts__state_index ON community_posts (state);
CREATE TABLE comments (
  id serial PRIMARY KEY,
  post_id integer NOT NULL,
  author_id integer,
  parent_id integer,
  create_uid integer,
  write_uid integer,
  body text,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX comments__author_id_index ON comments (author_id);
CREATE INDEX comments__parent_id_index ON comments (parent_id);
CREATE INDEX comments__post_id_index ON comments (post_id);
CREATE TABLE qa_questions (
  id serial PRIMARY KEY,
  asker_id integer NOT NULL,
  bounty_points integer,
  accepted_answer_id integer,
  create_uid integer,
  write_uid integer,
  title character varying NOT NULL,
  state character varying NOT NULL,
  body text,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX qa_questions__asker_id_index ON qa_questions (asker_id);
CREATE INDEX qa_questions__state_index ON qa_questions (state);
CREATE TABLE qa_question_tag_rel (
  question_id integer NOT NULL,
  tag_id integer NOT NULL,
  PRIMARY KEY (question_id, tag_id)
);
CREATE INDEX qa_question_tag_rel_tag_id_question_id_idx ON qa_question_tag_rel (tag_id, question_id);
CREATE TABLE qa_answers (
  id serial PRIMARY KEY,
  question_id integer NOT NULL,
  answerer_id integer,
  votes integer,
  create_uid integer,
  write_uid integer,
  body text,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX qa_answers__answerer_id_index ON qa_answers (answerer_id);
CREATE INDEX qa_answers__question_id_index ON qa_answers (question_id);
`,
  },
  {
    // M11/M12 over REST: one like per member and post, one vote (+1/-1) per member and answer.
    // Content's own tables (no legacy counterpart, never synced): Odoo's action_like and
    // action_vote count every call, so RPC likes and votes are not in them.
    id: '0003_community_likes_and_answer_votes',
    sql: `
CREATE TABLE community_post_likes (
  post_id integer NOT NULL,
  user_id integer NOT NULL,
  liked_at timestamp without time zone NOT NULL,
  PRIMARY KEY (post_id, user_id)
);
CREATE TABLE qa_answer_votes (
  answer_id integer NOT NULL,
  user_id integer NOT NULL,
  vote smallint NOT NULL CHECK (vote IN (-1, 1)),
  voted_at timestamp without time zone NOT NULL,
  PRIMARY KEY (answer_id, user_id)
);
`,
  },
  {
    // Before M06's cutover a REST purchase commits on the monolith just before its saga commits on
    // svc_content (domain/orphan-purchases.ts): the intent, committed first and taken back in the
    // saga's own transaction, names a purchase whose saga never committed. Content's own table,
    // never compared or synced.
    id: '0004_content_purchase_intents',
    sql: `
CREATE TABLE content_purchase_intents (
  purchase_id integer PRIMARY KEY,
  content_id integer NOT NULL,
  buyer_id integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX content_purchase_intents_created_at ON content_purchase_intents (created_at);
`,
  },
  {
    // Odoo's foreign keys from the relation tables to content_tags (many2many: ON DELETE CASCADE)
    // for a delete no engine makes: M06's forward sync applying a tag the monolith deleted. The
    // monolith's own cascade reaches svc_content only as M06's rows (knowledge_content_tag_rel);
    // M12's relation rows change owner on their own and, once M12 is served, the monolith's
    // cascade of them is a legacy write of a table with no id the command path cannot apply.
    // The engine's own unlink already applies these rules (reference-guard.ts): deleting nothing
    // more costs one indexed query. Not ENABLE ALWAYS: the reconcile's repairs run as a replica
    // and copy each table's rows as the owner has them, cascades included.
    id: '0005_tag_delete_cascades',
    sql: `
CREATE FUNCTION content_tag_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM qa_question_tag_rel r USING old_tags o WHERE r.tag_id = o.id;
  DELETE FROM knowledge_content_tag_rel r USING old_tags o WHERE r.tag_id = o.id;
  RETURN NULL;
END $$;
CREATE TRIGGER content_tags_deleted AFTER DELETE ON content_tags REFERENCING OLD TABLE AS old_tags
  FOR EACH STATEMENT EXECUTE FUNCTION content_tag_deleted();
`,
  },
  {
    // community_posts.group_id (ondelete='set null') for a group deleted in biz's copy: the
    // reference reader deletes it from svc_content's copy of community_groups, which that reader
    // creates at the first backfill (after these migrations), so domain/reference-cascades.ts
    // attaches this function to it once it exists.
    id: '0006_group_copy_delete_sets_null',
    sql: `
CREATE FUNCTION content_group_copy_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE community_posts p SET group_id = NULL FROM old_groups o WHERE p.group_id = o.id;
  RETURN NULL;
END $$;
`,
  },
  {
    // 0005's trigger and 0006's function (attached by content's background work once the
    // reference copy existed) were two of Odoo's foreign keys written by hand. The control plane
    // now derives every key from the monolith's catalog and installs it where the sync creates the
    // copies, before any reader applies a delete (migration/control/sync/delete-rule-triggers.ts,
    // content_tags → qa_question_tag_rel and knowledge_content_tag_rel, community_groups →
    // community_posts among them). Dropping the function drops the trigger on the copy with it.
    id: '0007_hand_written_delete_rules_dropped',
    sql: `
DROP TRIGGER IF EXISTS content_tags_deleted ON content_tags;
DROP FUNCTION IF EXISTS content_tag_deleted();
DROP FUNCTION IF EXISTS content_group_copy_deleted() CASCADE;
`,
  },
];
