import type pg from 'pg';
import { inClientTransaction } from '../../../platform/pg-transaction.ts';

/**
 * Forward-only schema of the migration control plane in `ficus_control`, schema
 * `ficus_migration`. Applied entries are never edited: a change is a new entry. The version
 * table records what ran, so every process (gateway, CLI) can call ensureControlSchema.
 */
export const CONTROL_MIGRATIONS: readonly { id: string; sql: string }[] = [
  {
    id: '0001_phases',
    sql: `
CREATE TABLE ficus_migration.module_phase (
  module          text PRIMARY KEY,
  phase           text NOT NULL,
  canary_percent  integer NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 100),
  -- Write freeze: gateways hold writes of the module while freeze_epoch is set and the lease runs.
  freeze_epoch    bigint,
  freeze_until    timestamptz,
  version         bigint NOT NULL DEFAULT 1,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ficus_migration.transition (
  id          bigserial PRIMARY KEY,
  module      text NOT NULL,
  step        text NOT NULL,
  from_phase  text NOT NULL,
  to_phase    text NOT NULL,
  canary_percent integer,
  actor       text NOT NULL,
  reason      text,
  forced      boolean NOT NULL DEFAULT false,
  gates       jsonb NOT NULL DEFAULT '[]',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON ficus_migration.transition (module, id);
CREATE TABLE ficus_migration.sync_request (
  module        text PRIMARY KEY,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  requested_by  text NOT NULL
);
-- LSN boundaries where a sync direction changes mode (apply rows / turn into commands / ignore).
CREATE TABLE ficus_migration.sync_switch (
  module     text NOT NULL,
  direction  text NOT NULL CHECK (direction IN ('forward', 'reverse')),
  seq        bigserial,
  at_lsn     bigint,          -- NULL while the cutover has not taken its WAL position yet: readers wait
  mode       text NOT NULL CHECK (mode IN ('apply', 'command', 'ignore')),
  cutover_id bigint,
  PRIMARY KEY (module, direction, seq)
);
CREATE TABLE ficus_migration.cutover (
  id          bigserial PRIMARY KEY,
  module      text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('cutover', 'rollback')),
  from_phase  text NOT NULL,
  to_phase    text NOT NULL,
  state       text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'aborted', 'interrupted_before', 'interrupted_after')),
  freeze_ms   integer,
  outcome     text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE TABLE ficus_migration.cutover_step (
  cutover_id bigint NOT NULL REFERENCES ficus_migration.cutover(id),
  seq        serial,
  step       text NOT NULL,
  detail     jsonb NOT NULL DEFAULT '{}',
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (cutover_id, seq)
);
CREATE TABLE ficus_migration.gateway_instance (
  id         text PRIMARY KEY,
  last_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ficus_migration.freeze_ack (
  module      text NOT NULL,
  epoch       bigint NOT NULL,
  gateway_id  text NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (module, epoch, gateway_id)
);
CREATE TABLE ficus_migration.shadow_stat (
  module      text NOT NULL,
  call        text NOT NULL,   -- model.method
  matched     bigint NOT NULL DEFAULT 0,
  unmatched   bigint NOT NULL DEFAULT 0,
  failed      bigint NOT NULL DEFAULT 0,
  last_diff   jsonb,
  last_diff_at timestamptz,
  PRIMARY KEY (module, call)
);`,
  },
  {
    // Shadow comparisons by class (shadow-stats.ts): time-explained differences apart from real
    // ones, and the fields that differed. The first comparer's counts carry over as match / value / error.
    id: '0002_shadow_classes',
    sql: `
CREATE TABLE ficus_migration.shadow_outcome (
  module          text NOT NULL,
  call            text NOT NULL,   -- model.method
  -- a class of comparison, or why a read was not compared (skipped: comparer full; behind: copy too far behind)
  outcome         text NOT NULL CHECK (outcome IN ('match', 'timing', 'value', 'missing', 'extra', 'error', 'skipped', 'behind')),
  count           bigint NOT NULL DEFAULT 0,
  last_sample     jsonb,
  last_sample_at  timestamptz,
  PRIMARY KEY (module, call, outcome)
);
CREATE TABLE ficus_migration.shadow_field (
  module  text NOT NULL,
  call    text NOT NULL,
  field   text NOT NULL,
  count   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (module, call, field)
);
INSERT INTO ficus_migration.shadow_outcome (module, call, outcome, count, last_sample, last_sample_at)
SELECT module, call, o.outcome, o.count, CASE WHEN o.outcome <> 'match' THEN last_diff END, CASE WHEN o.outcome <> 'match' THEN last_diff_at END
  FROM ficus_migration.shadow_stat,
       LATERAL (VALUES ('match', matched), ('value', unmatched), ('error', failed)) AS o(outcome, count)
 WHERE o.count > 0;
DROP TABLE ficus_migration.shadow_stat;`,
  },
  {
    // Read offload in front of a live Odoo (migration/offload): one row per class of read call,
    // its state and the evidence for it. Differences are kept as paths, never values.
    id: '0003_read_offload',
    sql: `
CREATE TABLE ficus_migration.offload_class (
  id              text PRIMARY KEY,   -- first 16 hex of the class key's SHA-256 (odoo-bridge/offload/read-class.ts)
  database        text NOT NULL,
  model           text NOT NULL,
  method          text NOT NULL,
  fields          text NOT NULL,
  shape           text NOT NULL,
  state           text NOT NULL DEFAULT 'learning' CHECK (state IN ('learning', 'promoted', 'demoted', 'refused')),
  -- ficus offload reset starts a new generation: counts start over, gateways drop older counts
  generation      integer NOT NULL DEFAULT 0,
  matches         bigint NOT NULL DEFAULT 0,
  timings         bigint NOT NULL DEFAULT 0,
  differences     bigint NOT NULL DEFAULT 0,
  unverified      bigint NOT NULL DEFAULT 0,
  verified_since_promotion bigint NOT NULL DEFAULT 0,
  answered_by_ficus bigint NOT NULL DEFAULT 0,
  answered_by_odoo  bigint NOT NULL DEFAULT 0,
  last_difference    jsonb,
  last_difference_at timestamptz,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  promoted_at     timestamptz,
  demoted_at      timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON ficus_migration.offload_class (database, model, method);`,
  },
];

const LOCK = 0x66636d67; // "fcmg": one process migrates at a time

export async function ensureControlSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ficus_migration;
      CREATE TABLE IF NOT EXISTS ficus_migration.schema_version (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ id: string }>('SELECT id FROM ficus_migration.schema_version');
    const applied = new Set(rows.map((r) => r.id));
    for (const migration of CONTROL_MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      await inClientTransaction(client, async () => {
        await client.query(migration.sql);
        await client.query('INSERT INTO ficus_migration.schema_version (id) VALUES ($1)', [migration.id]);
      });
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    client.release();
  }
}
