import type { Migration } from './migrations.ts';

/**
 * Tables every service database has, whatever the service: the event outbox and inbox, the
 * embedded bus's positions and dead letters, stored idempotent responses, and saga state.
 * They run before the service's own migrations.
 */
export const KIT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'kit_0001_outbox',
    sql: `
      -- One row per published domain event, written in the transaction that made the change.
      -- tx_id lets the embedded relay read in commit-safe order (see bus/outbox-reader.ts);
      -- Debezium's outbox event router reads the same table from the WAL in Kafka mode.
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        type text NOT NULL,
        aggregate_id text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX outbox_commit_order ON outbox (tx_id, seq);
      -- Wakes the embedded relay at commit; one notification per statement is enough.
      CREATE FUNCTION ficus_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('ficus_outbox', ''); RETURN NULL; END $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION ficus_outbox_notify();
    `,
  },
  {
    id: 'kit_0002_inbox',
    sql: `
      -- An event id is handled at most once per consumer group: the row is inserted in the
      -- transaction that holds the handler's effects.
      CREATE TABLE inbox (
        consumer_group text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        outcome text NOT NULL DEFAULT 'handled' CHECK (outcome IN ('handled', 'dead_lettered')),
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      );
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        consumer_group text NOT NULL,
        event_id text,
        event_type text,
        source text,
        payload text NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      );
      -- Embedded bus: how far each consumer group has read each publishing service's outbox.
      CREATE TABLE bus_positions (
        consumer_group text NOT NULL,
        source text NOT NULL,
        tx_id xid8 NOT NULL,
        seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, source)
      );
    `,
  },
  {
    id: 'kit_0003_idempotency_keys',
    sql: `
      -- draft-ietf-httpapi-idempotency-key-header: the first response to a key, replayed to retries.
      CREATE TABLE idempotency_keys (
        principal text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        status integer NOT NULL,
        headers jsonb NOT NULL,
        body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (principal, key)
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    id: 'kit_0004_sagas',
    sql: `
      CREATE TABLE saga_instances (
        id serial PRIMARY KEY,
        saga text NOT NULL,
        key text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'compensated', 'failed')),
        -- index of the next step to run (running) or to compensate (compensating)
        step integer NOT NULL,
        input jsonb NOT NULL,
        outputs jsonb NOT NULL DEFAULT '{}',
        failure text,
        traceparent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (saga, key)
      );
      CREATE INDEX saga_instances_unfinished ON saga_instances (id) WHERE status IN ('running', 'compensating');
      -- What happened, step by step, for operators (the instance row is the state).
      CREATE TABLE saga_step_log (
        id bigserial PRIMARY KEY,
        saga_id integer NOT NULL REFERENCES saga_instances (id),
        step text NOT NULL,
        phase text NOT NULL CHECK (phase IN ('action', 'compensation')),
        outcome text NOT NULL CHECK (outcome IN ('done', 'rejected', 'error')),
        detail text,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX saga_step_log_saga ON saga_step_log (saga_id);
    `,
  },
];
