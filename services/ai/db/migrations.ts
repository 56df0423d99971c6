import type { Migration } from '../../kit/index.ts';

/**
 * svc_ai keeps the tables of M16 (hp_ai: ai_models, generation_tasks, insights) under their legacy
 * names and columns, so the ORM engine serves hp.ai.model, hp.ai.generation.task and hp.ai.insight
 * from here exactly as from Odoo, and forward and reverse sync copy rows without mapping. Ids
 * come from the tables' own sequences; at cutover the control plane moves them into a range the
 * legacy side never uses. No foreign keys: the sync applies a batch per table (the engine checks
 * Odoo's references itself). hp_ai declares no _sql_constraints.
 */
export const AI_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_ai_legacy_tables',
    sql: `
CREATE TABLE ai_models (
  id serial PRIMARY KEY,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  provider character varying,
  version character varying,
  capability character varying NOT NULL,
  active boolean,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE TABLE generation_tasks (
  id serial PRIMARY KEY,
  model_id integer,
  requester_id integer,
  create_uid integer,
  write_uid integer,
  task_type character varying NOT NULL,
  state character varying NOT NULL,
  prompt text,
  result text,
  error text,
  finished_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX generation_tasks__model_id_index ON generation_tasks (model_id);
CREATE INDEX generation_tasks__requester_id_index ON generation_tasks (requester_id);
CREATE INDEX generation_tasks__state_index ON generation_tasks (state);
CREATE TABLE insights (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  insight_type character varying NOT NULL,
  severity character varying NOT NULL,
  data jsonb,
  summary text,
  generated_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX insights__user_id_index ON insights (user_id);
`,
  },
];
