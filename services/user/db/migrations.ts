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
  {
    // The daily rollup GET /users/{id}/health-data?aggregate=… reads in svc_user (domain/health-data-rollup.ts).
    // Why local days of the member's zone and not UTC hour buckets: a zone whose offset is not whole hours
    // (Asia/Kolkata, America/St_Johns, Pacific/Chatham, Lord Howe's half-hour DST) cuts hours, so only
    // 15-minute buckets would serve every zone, and those (96 a day) are more rows than the readings of
    // most members (a device reading per hour, or a few a day): no gain for the read. Days of one zone are
    // exact for that zone with DST (a row's day is its local date, as the raw path computes it) and few
    // (a year is 365 rows per type); weeks and months are unions of days. A zone change moves the rollup:
    // health_rollup_zones says which zone a member's rows are kept in; a read in another zone (a tz change)
    // takes the raw path and asks health_rollup_rezone to rebuild in the new one (one member's rows, once).
    //
    // Kept exact by statement triggers on health_records (every writer: the ORM engine's RPC, REST health
    // actions, device sync, the forward sync's and the legacy commands' appliers, a reconcile repair under
    // session_replication_role = replica: ENABLE ALWAYS). Each statement recomputes the (member, type, unit,
    // local day) groups it touched from the raw rows, so deletes and updates (min, max, last) are as exact
    // as inserts. Concurrency: a writer first locks the member's zone row, so in READ COMMITTED the
    // recomputation (a later statement, a later snapshot) sees every write committed before it; in the
    // engine's REPEATABLE READ a concurrent write of the same day makes the second upsert fail with a
    // serialization error, which the engine retries. That is also why a group that loses its last reading
    // keeps a row with count 0 (a deleted row would let a stale snapshot insert it again unnoticed).
    //
    // Sums are numeric over each value's shortest round-trip decimal (float8 as text, extra_float_digits = 1):
    // exact, so a mean is the same whatever the order readings were summed in and however many updates
    // and deletes came between (a float sum would keep the rounding of every value once added and removed).
    id: '0004_health_daily_rollup',
    sql: `
CREATE TABLE health_rollup_zones (
  user_id integer PRIMARY KEY,
  time_zone text NOT NULL
);
CREATE TABLE health_daily_rollup (
  user_id integer NOT NULL,
  time_zone text NOT NULL,
  record_type character varying NOT NULL,
  unit character varying,
  day date NOT NULL,
  -- Where the local day starts and ends (UTC, as measured_at): computed once here, not per read.
  day_start timestamp without time zone NOT NULL,
  day_end timestamp without time zone NOT NULL,
  count integer NOT NULL,
  value_count integer NOT NULL,
  value_sum numeric,
  value_min double precision,
  value_max double precision,
  value_last double precision,
  value_last_at timestamp without time zone,
  value2_count integer NOT NULL,
  value2_sum numeric,
  value2_min double precision,
  value2_max double precision,
  value2_last double precision,
  value2_last_at timestamp without time zone
);
-- A unit may be NULL and is still one group (the read groups by unit as GROUP BY does).
CREATE UNIQUE INDEX health_daily_rollup__key ON health_daily_rollup (user_id, time_zone, record_type, day, unit) NULLS NOT DISTINCT;
CREATE INDEX health_daily_rollup__day_index ON health_daily_rollup (user_id, time_zone, day);

-- The member's zone as the REST read resolves it (domain/health-data-zone.ts): res.partner.tz when it is a
-- zone name PostgreSQL knows, else UTC (also while res_users is not copied yet: the read then rezones).
CREATE FUNCTION health_member_zone(member integer) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  zone text;
BEGIN
  SELECT p.tz INTO zone FROM res_users AS u JOIN res_partner AS p ON p.id = u.partner_id WHERE u.id = member;
  IF zone IS NULL OR zone !~ '^[A-Za-z][A-Za-z0-9_+/-]*$' OR zone ~ '^(UTC|GMT)[+-]' THEN
    RETURN 'UTC';
  END IF;
  PERFORM now() AT TIME ZONE zone;
  RETURN zone;
EXCEPTION WHEN OTHERS THEN
  RETURN 'UTC';
END $fn$;

-- The first instant (UTC) at which the wall clock in \`zone\` shows \`day\`'s midnight or later: the REST read's
-- firstInstantAt (domain/health-data.ts) for a day, the same candidates in the same order.
CREATE FUNCTION health_local_day_start(day date, zone text) RETURNS timestamp LANGUAGE sql STABLE AS $fn$
  SELECT (CASE WHEN (a.at - interval '1 hour') AT TIME ZONE zone = day::timestamp - interval '1 hour' THEN a.at
               WHEN (a.at - interval '1 hour') AT TIME ZONE zone >= day::timestamp THEN a.at - interval '1 hour'
               WHEN (a.at - interval '30 minutes') AT TIME ZONE zone >= day::timestamp THEN a.at - interval '30 minutes'
               ELSE a.at END) AT TIME ZONE 'UTC'
    FROM (SELECT day::timestamp AT TIME ZONE zone AS at) AS a
$fn$;

-- Every group of one member, from the raw rows, in \`zone\` (a new member, a zone change, this migration).
CREATE FUNCTION health_rollup_rebuild(member integer, zone text) RETURNS void LANGUAGE plpgsql SET extra_float_digits = 1 AS $fn$
BEGIN
  DELETE FROM health_daily_rollup WHERE user_id = member;
  INSERT INTO health_daily_rollup
  SELECT member, zone, r.record_type, r.unit, d.day, health_local_day_start(d.day, zone), health_local_day_start(d.day + 1, zone), ${dayStats('r')}
    FROM health_records AS r
   CROSS JOIN LATERAL (SELECT ((r.measured_at AT TIME ZONE 'UTC') AT TIME ZONE zone)::date AS day) AS d
   WHERE r.user_id = member
   GROUP BY r.record_type, r.unit, d.day;
END $fn$;

-- Moves a member's rollup to \`zone\` (the read found another zone than the member's): under the zone row's lock.
CREATE FUNCTION health_rollup_rezone(member integer, zone text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO health_rollup_zones (user_id, time_zone) VALUES (member, zone) ON CONFLICT (user_id) DO NOTHING;
  PERFORM 1 FROM health_rollup_zones WHERE user_id = member FOR UPDATE;
  UPDATE health_rollup_zones SET time_zone = zone WHERE user_id = member;
  PERFORM health_rollup_rebuild(member, zone);
END $fn$;

-- The groups the changed rows belong to (one entry per changed row, old and new versions), recomputed.
CREATE FUNCTION health_rollup_refresh(users integer[], types text[], units text[], instants timestamp[]) RETURNS void
LANGUAGE plpgsql SET extra_float_digits = 1 AS $fn$
DECLARE
  members integer[];
  fresh integer[];
BEGIN
  IF users IS NULL THEN
    RETURN;
  END IF;
  members := ARRAY(SELECT DISTINCT unnest(users) ORDER BY 1);
  -- A member's first rows: their zone row, in the zone their partner has now, and all their groups.
  WITH added AS (
    INSERT INTO health_rollup_zones (user_id, time_zone)
    SELECT m, health_member_zone(m) FROM unnest(members) AS m
    ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id, time_zone
  ), rebuilt AS (
    SELECT a.user_id, health_rollup_rebuild(a.user_id, a.time_zone) FROM added AS a
  )
  SELECT coalesce(array_agg(user_id), '{}') INTO fresh FROM rebuilt;
  -- One writer of a member's rollup at a time (ordered: two statements never wait on each other in a circle).
  PERFORM 1 FROM health_rollup_zones WHERE user_id = ANY (members) AND NOT user_id = ANY (fresh) ORDER BY user_id FOR UPDATE;
  INSERT INTO health_daily_rollup AS d
  SELECT k.user_id, k.time_zone, k.record_type, k.unit, k.day, health_local_day_start(k.day, k.time_zone), health_local_day_start(k.day + 1, k.time_zone), s.*
    FROM (SELECT DISTINCT c.user_id, z.time_zone, c.record_type, c.unit, ((c.at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date AS day
            FROM unnest(users, types, units, instants) AS c(user_id, record_type, unit, at)
            JOIN health_rollup_zones AS z ON z.user_id = c.user_id
           WHERE NOT c.user_id = ANY (fresh)) AS k
   CROSS JOIN LATERAL (
     -- The local day's rows: its UTC span with a margin wider than any DST shift, then the exact local date.
     SELECT ${dayStats('r')}
       FROM health_records AS r
      WHERE r.user_id = k.user_id AND r.record_type = k.record_type AND r.unit IS NOT DISTINCT FROM k.unit
        AND r.measured_at >= (k.day::timestamp AT TIME ZONE k.time_zone) AT TIME ZONE 'UTC' - interval '3 hours'
        AND r.measured_at < ((k.day + 1)::timestamp AT TIME ZONE k.time_zone) AT TIME ZONE 'UTC' + interval '3 hours'
        AND ((r.measured_at AT TIME ZONE 'UTC') AT TIME ZONE k.time_zone)::date = k.day
   ) AS s
  ON CONFLICT (user_id, time_zone, record_type, day, unit) DO UPDATE SET
    count = EXCLUDED.count, value_count = EXCLUDED.value_count, value_sum = EXCLUDED.value_sum, value_min = EXCLUDED.value_min,
    value_max = EXCLUDED.value_max, value_last = EXCLUDED.value_last, value_last_at = EXCLUDED.value_last_at,
    value2_count = EXCLUDED.value2_count, value2_sum = EXCLUDED.value2_sum, value2_min = EXCLUDED.value2_min,
    value2_max = EXCLUDED.value2_max, value2_last = EXCLUDED.value2_last, value2_last_at = EXCLUDED.value2_last_at;
END $fn$;

CREATE FUNCTION health_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM health_rollup_refresh(array_agg(n.user_id), array_agg(n.record_type::text), array_agg(n.unit::text), array_agg(n.measured_at)) FROM new_rows AS n;
  RETURN NULL;
END $fn$;
CREATE FUNCTION health_rollup_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM health_rollup_refresh(array_agg(o.user_id), array_agg(o.record_type::text), array_agg(o.unit::text), array_agg(o.measured_at)) FROM old_rows AS o;
  RETURN NULL;
END $fn$;
-- An update counts where it changes what the rollup keeps (a note or write_date alone does not): both the
-- group the row left and the one it joined.
CREATE FUNCTION health_rollup_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM health_rollup_refresh(array_agg(c.user_id), array_agg(c.record_type::text), array_agg(c.unit::text), array_agg(c.measured_at))
     FROM (SELECT o.user_id, o.record_type, o.unit, o.measured_at, o.id, o.value, o.value2 FROM old_rows AS o
           UNION ALL
           SELECT n.user_id, n.record_type, n.unit, n.measured_at, n.id, n.value, n.value2 FROM new_rows AS n) AS c
    WHERE NOT EXISTS (SELECT 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
                       WHERE o.id = c.id AND (n.user_id, n.record_type, n.unit, n.measured_at, n.value, n.value2)
                             IS NOT DISTINCT FROM (o.user_id, o.record_type, o.unit, o.measured_at, o.value, o.value2));
  RETURN NULL;
END $fn$;
CREATE FUNCTION health_rollup_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE health_daily_rollup;
  RETURN NULL;
END $fn$;
CREATE TRIGGER health_rollup_inserted AFTER INSERT ON health_records REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION health_rollup_inserted();
CREATE TRIGGER health_rollup_deleted AFTER DELETE ON health_records REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION health_rollup_deleted();
CREATE TRIGGER health_rollup_updated AFTER UPDATE ON health_records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION health_rollup_updated();
CREATE TRIGGER health_rollup_truncated AFTER TRUNCATE ON health_records FOR EACH STATEMENT EXECUTE FUNCTION health_rollup_truncated();
ALTER TABLE health_records ENABLE ALWAYS TRIGGER health_rollup_inserted;
ALTER TABLE health_records ENABLE ALWAYS TRIGGER health_rollup_deleted;
ALTER TABLE health_records ENABLE ALWAYS TRIGGER health_rollup_updated;
ALTER TABLE health_records ENABLE ALWAYS TRIGGER health_rollup_truncated;

-- Rows already here (a database migrated after its backfill).
SELECT health_rollup_rezone(m.user_id, health_member_zone(m.user_id)) FROM (SELECT DISTINCT user_id FROM health_records) AS m;`,
  },
];

/**
 * A day group's statistics over the rows under \`alias\`: count, and per value column the count of
 * values, their exact sum (numeric of the shortest round-trip decimal), min, max and the latest one
 * with its time (Odoo's order: measured_at desc, id desc). An empty group gives count 0 and nulls.
 */
function dayStats(alias: string): string {
  const stats = (column: string) => `count(${alias}.${column})::int, sum(${alias}.${column}::text::numeric), min(${alias}.${column}), max(${alias}.${column}),
           (array_agg(${alias}.${column} ORDER BY ${alias}.measured_at DESC, ${alias}.id DESC) FILTER (WHERE ${alias}.${column} IS NOT NULL))[1],
           max(${alias}.measured_at) FILTER (WHERE ${alias}.${column} IS NOT NULL)`;
  return `count(*)::int, ${stats('value')}, ${stats('value2')}`;
}
