import type { Migration } from '../../kit/index.ts';

/**
 * svc_ops keeps the tables of M05 (hp_growth), M17 (hp_operations) and M18 (hp_risk) under their
 * legacy names and columns, so the ORM engine serves hp.rating, hp.certification, hp.operation,
 * hp.notification, hp.risk.rule, hp.risk.alert and hp.audit.log from here exactly as from Odoo,
 * and forward and reverse sync copy rows without mapping. Ids come from the tables' own
 * sequences; at cutover the control plane moves them into a range the legacy side never uses.
 * No foreign keys: the sync applies a batch per table (the engine checks Odoo's references
 * itself). The addons' _sql_constraints are kept under Odoo's constraint names
 * (ratings_score_range, risk_rules_code_uniq), so a violation answers as Odoo does.
 */
export const OPS_MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_ops_legacy_tables',
    sql: `
CREATE TABLE ratings (
  id serial PRIMARY KEY,
  coach_id integer NOT NULL,
  order_id integer,
  rater_id integer,
  score integer NOT NULL,
  create_uid integer,
  write_uid integer,
  comment text,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT ratings_score_range CHECK (score >= 1 AND score <= 5)
);
CREATE INDEX ratings__coach_id_index ON ratings (coach_id);
CREATE INDEX ratings__order_id_index ON ratings (order_id);
CREATE INDEX ratings__rater_id_index ON ratings (rater_id);
CREATE TABLE certifications (
  id serial PRIMARY KEY,
  coach_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  level character varying NOT NULL,
  state character varying NOT NULL,
  certified_on date,
  expires_on date,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX certifications__coach_id_index ON certifications (coach_id);
CREATE INDEX certifications__state_index ON certifications (state);
CREATE TABLE operations (
  id serial PRIMARY KEY,
  operator_id integer,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  operation_type character varying NOT NULL,
  target character varying,
  state character varying NOT NULL,
  scheduled_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX operations__operator_id_index ON operations (operator_id);
CREATE INDEX operations__state_index ON operations (state);
CREATE TABLE notifications (
  id serial PRIMARY KEY,
  user_id integer NOT NULL,
  create_uid integer,
  write_uid integer,
  channel character varying NOT NULL,
  title character varying NOT NULL,
  body text,
  is_read boolean,
  sent_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX notifications__is_read_index ON notifications (is_read);
CREATE INDEX notifications__user_id_index ON notifications (user_id);
CREATE TABLE risk_rules (
  id serial PRIMARY KEY,
  create_uid integer,
  write_uid integer,
  name character varying NOT NULL,
  code character varying NOT NULL,
  model_name character varying NOT NULL,
  severity character varying NOT NULL,
  condition text,
  active boolean,
  create_date timestamp without time zone,
  write_date timestamp without time zone,
  CONSTRAINT risk_rules_code_uniq UNIQUE (code)
);
CREATE TABLE risk_alerts (
  id serial PRIMARY KEY,
  rule_id integer,
  user_id integer,
  res_id integer,
  create_uid integer,
  write_uid integer,
  res_model character varying,
  severity character varying NOT NULL,
  state character varying NOT NULL,
  detected_at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX risk_alerts__rule_id_index ON risk_alerts (rule_id);
CREATE INDEX risk_alerts__state_index ON risk_alerts (state);
CREATE INDEX risk_alerts__user_id_index ON risk_alerts (user_id);
CREATE TABLE audit_logs (
  id serial PRIMARY KEY,
  user_id integer,
  res_id integer,
  create_uid integer,
  write_uid integer,
  action character varying NOT NULL,
  res_model character varying,
  ip character varying,
  details jsonb,
  at timestamp without time zone,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX audit_logs__at_index ON audit_logs (at);
CREATE INDEX audit_logs__user_id_index ON audit_logs (user_id);
`,
  },
  {
    id: '0003_notification_deliveries',
    // POST /ops/notifications (domain/notification-sends.ts): each send, and one delivery per
    // recipient and outside channel (e-mail, SMS, push), svc_ops's own tables whatever the phase
    // of M17 (the in-app rows are hp.notification's, in M17's home). A delivery is an outbox row
    // the channel dispatcher (domain/channel-dispatcher.ts) claims when due, hands to the
    // channel's sender and marks delivered, or retries with backoff until it is dead. last_error
    // holds an error code, never an address or a body.
    sql: `
CREATE TABLE notification_sends (
  id bigserial PRIMARY KEY,
  sent_by integer NOT NULL,
  title character varying NOT NULL,
  channels character varying[] NOT NULL,
  user_ids integer[] NOT NULL,
  notification_ids integer[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE notification_deliveries (
  id bigserial PRIMARY KEY,
  send_id bigint NOT NULL REFERENCES notification_sends (id),
  notification_id integer,
  user_id integer NOT NULL,
  channel character varying NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
  title character varying NOT NULL,
  body text,
  state character varying NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error character varying,
  provider_message_id character varying,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_deliveries__due_index ON notification_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_deliveries__send_id_index ON notification_deliveries (send_id);
`,
  },
  {
    id: '0002_coach_rating_projection',
    // Listed after 0003: migrations apply in list order and are append-only, and 0003 was
    // committed first. Each coach's figures in svc_ops whatever the phase of M05: their ratings
    // as of the last change ops made or saw (domain/coach-rating-refresh.ts; on svc_ops's engine
    // the row is also what makes concurrent recomputes of one coach conflict and retry), and
    // what completed services change (domain/coach-rating-completions.ts). A completion is kept once per service order (the event's id
    // beside it): a redelivered or republished service_completed changes nothing the second time.
    sql: `
CREATE TABLE coach_rating_stats (
  coach_id integer PRIMARY KEY,
  completed_services integer NOT NULL DEFAULT 0,
  ratings_count integer NOT NULL DEFAULT 0,
  ratings_sum integer NOT NULL DEFAULT 0,
  rating_avg numeric(3, 2) NOT NULL DEFAULT 0,
  last_completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE coach_rating_completions (
  order_id integer PRIMARY KEY,
  coach_id integer NOT NULL,
  event_id text NOT NULL UNIQUE,
  completed_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coach_rating_completions__coach_id_index ON coach_rating_completions (coach_id);
`,
  },
  {
    id: '0004_analytics',
    // Analytics (domain/analytics-*.ts): ops consumes every business event (DESIGN: ops ← all) and
    // keeps only how many of each type happened per UTC hour, counted once per event (the inbox);
    // POST /analytics/reports computes a period's counts and rates from those hours and stores the
    // report under its request's canonical key, so the same request answers the same report.
    sql: `
CREATE TABLE analytics_event_hours (
  event_type character varying NOT NULL,
  hour timestamptz NOT NULL,
  events bigint NOT NULL,
  PRIMARY KEY (event_type, hour)
);
CREATE TABLE analytics_reports (
  id bigserial PRIMARY KEY,
  request_key character varying NOT NULL,
  period_from timestamptz NOT NULL,
  period_to timestamptz NOT NULL,
  event_types character varying[] NOT NULL,
  total_events bigint NOT NULL,
  per_type jsonb NOT NULL,
  requested_by integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT analytics_reports_request_uniq UNIQUE (request_key)
);
CREATE INDEX analytics_reports__period_index ON analytics_reports (period_from, period_to);
`,
  },
];
