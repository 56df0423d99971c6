import type { Migration } from '../../kit/index.ts';

/**
 * svc_auth: M01's tables under their legacy names and columns (so the ORM engine serves
 * hp.auth.token and hp.permission from here exactly as from Odoo, and forward and reverse sync
 * copy rows without mapping), and the service's own refresh-session bookkeeping. No foreign keys
 * to res_users or res_groups: those rows are the monolith's.
 */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    id: 'auth_0001_m01_tables',
    sql: `
CREATE TABLE auth_tokens (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  token_hash character varying NOT NULL CONSTRAINT auth_tokens_token_hash_uniq UNIQUE,
  scope character varying,
  revoked boolean,
  expires_at timestamp without time zone,
  last_used_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX auth_tokens__user_id_index ON auth_tokens (user_id);
CREATE TABLE permissions (
  id serial PRIMARY KEY,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  code character varying NOT NULL CONSTRAINT permissions_code_uniq UNIQUE,
  description text,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX permissions__code_index ON permissions (code);
CREATE TABLE permission_group_rel (
  permission_id integer NOT NULL,
  group_id integer NOT NULL,
  PRIMARY KEY (permission_id, group_id)
);
CREATE INDEX permission_group_rel_group_id_idx ON permission_group_rel (group_id);
`,
  },
  {
    id: 'auth_0002_refresh_sessions',
    sql: `
CREATE TABLE refresh_sessions (
  token_id integer PRIMARY KEY,
  family uuid NOT NULL,
  user_id integer NOT NULL,
  rotated_at timestamptz,
  replaced_by integer,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_sessions_family_idx ON refresh_sessions (family);
`,
  },
];
