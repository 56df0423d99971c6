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
  {
    // ai's own queue of generation tasks (not a legacy table): one run per task POST
    // /ai/content/generate enqueued, claimed by a worker under a lease it renews while it works,
    // retried with backoff, and a log of every attempt. The task itself (state, result, error)
    // stays in generation_tasks wherever M16 lives now; task_id names it there.
    id: '0002_ai_task_runs',
    sql: `
CREATE TABLE ai_task_runs (
  task_id integer PRIMARY KEY,
  requester_id integer NOT NULL,
  state character varying NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'finished')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_token uuid,
  lease_until timestamptz,
  last_error character varying,
  cancelled boolean NOT NULL DEFAULT false,
  provider character varying,
  method character varying,
  provider_model character varying,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX ai_task_runs_due ON ai_task_runs (next_attempt_at, task_id) WHERE state = 'pending';
CREATE INDEX ai_task_runs_leased ON ai_task_runs (lease_until) WHERE state = 'claimed';
CREATE TABLE ai_task_attempts (
  id bigserial PRIMARY KEY,
  task_id integer NOT NULL REFERENCES ai_task_runs (task_id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  lease_token uuid NOT NULL,
  worker character varying NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  outcome character varying CHECK (outcome IN ('done', 'retry', 'failed', 'lost', 'superseded')),
  error character varying,
  UNIQUE (task_id, attempt)
);
`,
  },
];
