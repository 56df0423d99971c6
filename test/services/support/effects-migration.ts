import type { Migration } from '../../../services/kit/db/migrations.ts';

/** The consumer's side effect in the exactly-once tests: one row per handling, deliberately without a unique key. */
export const EFFECTS_MIGRATION: Migration = {
  id: 'test_0001_effects',
  sql: `CREATE TABLE effects (id bigserial PRIMARY KEY, event_id text NOT NULL, record_id integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
};
