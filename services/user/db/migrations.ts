import type { Migration } from '../../kit/index.ts';

/**
 * svc_user keeps M02's tables (hp_personal) under their legacy names and columns, so the ORM
 * engine serves hp.health.record, hp.device.binding, hp.health.goal and hp.assessment from here
 * exactly as from Odoo, and forward and reverse sync copy rows without mapping. Ids come from the
 * tables' own sequences; at cutover the control plane moves them into a range the legacy side
 * never uses. No foreign keys: the sync applies a batch per table (the engine checks Odoo's
 * references itself). hp_personal declares no _sql_constraints.
 */
export const USER_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_user_legacy_tables',
    sql: `
CREATE TABLE health_records (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  device_binding_id integer,
  create_uid integer,
  write_uid integer,
  record_type character varying NOT NULL,
  unit character varying,
  source character varying,
  note text,
  measured_at timestamp without time zone NOT NULL,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  value double precision,
  value2 double precision
);
CREATE INDEX health_records__measured_at_index ON health_records (measured_at);
CREATE INDEX health_records__record_type_index ON health_records (record_type);
CREATE INDEX health_records__user_id_index ON health_records (user_id);
CREATE TABLE device_bindings (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  device_type character varying NOT NULL,
  vendor character varying,
  serial character varying,
  active boolean,
  bound_at timestamp without time zone,
  last_sync_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX device_bindings__serial_index ON device_bindings (serial);
CREATE INDEX device_bindings__user_id_index ON device_bindings (user_id);
CREATE TABLE health_goals (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  goal_type character varying NOT NULL,
  state character varying NOT NULL,
  start_date date,
  end_date date,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  target_value double precision,
  current_value double precision,
  progress double precision
);
CREATE INDEX health_goals__state_index ON health_goals (state);
CREATE INDEX health_goals__user_id_index ON health_goals (user_id);
CREATE TABLE assessments (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  coach_id integer,
  score integer,
  create_uid integer,
  write_uid integer,
  assessment_type character varying NOT NULL,
  risk_level character varying,
  answers jsonb,
  summary text,
  assessed_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX assessments__coach_id_index ON assessments (coach_id);
CREATE INDEX assessments__user_id_index ON assessments (user_id);`,
  },
  {
    // The health-data read side: the index GET /users/{id}/health-data's range scans and per-period
    // aggregates walk (one member, one type, a time range), covering what an aggregate reads so a
    // year of one member's readings is an index-only scan (no heap page per reading: a device's
    // readings arrive interleaved with every other member's); statistics on (user_id, record_type)
    // so the planner does not take a member's share of a type for the table's (heart rate is most
    // rows, but not most of every member's) and prefer the user_id index; and the audit of every
    // read of M02's rows.
    // The audit keeps who read whose rows of which model, how and when — never a value. `subject_uids`
    // is null for an RPC aggregate (read_group, search_count) whose rows the call does not name.
    id: '0002_health_read_side',
    sql: `
CREATE INDEX health_records__user_type_measured_index ON health_records (user_id, record_type, measured_at) INCLUDE (id, value, value2, unit);
CREATE STATISTICS health_records__user_type_statistics (mcv, dependencies) ON user_id, record_type FROM health_records;
CREATE TABLE health_read_audit (
  id bigserial PRIMARY KEY,
  read_at timestamptz NOT NULL,
  actor_uid integer NOT NULL,
  subject_uids integer[],
  model character varying NOT NULL,
  query_kind character varying NOT NULL,
  protocol character varying NOT NULL CHECK (protocol IN ('rest', 'fhir', 'xmlrpc', 'xmlrpc-legacy', 'jsonrpc', 'web', 'json2', 'internal')),
  outcome character varying NOT NULL CHECK (outcome IN ('granted', 'refused')),
  row_count integer,
  request_id character varying
);
CREATE INDEX health_read_audit__read_at_index ON health_read_audit (read_at);
CREATE INDEX health_read_audit__actor_uid_index ON health_read_audit (actor_uid, read_at);
CREATE INDEX health_read_audit__subject_uids_index ON health_read_audit USING gin (subject_uids);`,
  },
  {
    // Device bindings and device-data sync (domain/device-*.ts). Both indexes only speed up the
    // guards, which run under a lock (an advisory lock per device identity for binding, the
    // binding's row lock for a sync) and hold on the monolith's tables too, where no index of
    // ours may be added. Neither is UNIQUE on purpose: hp.device.binding and hp.health.record
    // declare no uniqueness, Odoo RPC creates a second active binding of a device (or a second
    // reading at the same time) without complaint, and so must the engine after cutover; a
    // unique index here would also stop the forward sync on such legacy rows (MIGRATION.md, user).
    // The expressions are the device identity of domain/device-identity.ts.
    id: '0003_device_sync_guards',
    sql: `
CREATE INDEX device_bindings__active_identity_index ON device_bindings (device_type, (lower(btrim(coalesce(vendor, '')))), (btrim(serial))) WHERE active;
CREATE INDEX health_records__device_reading_index ON health_records (device_binding_id, measured_at, record_type) WHERE device_binding_id IS NOT NULL;`,
  },
];
