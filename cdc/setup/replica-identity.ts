import type pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { splitQualified } from '../apply/target-tables.ts';

/**
 * Legacy tables Ficus sets to REPLICA IDENTITY FULL (reasons in cdc/README.md, "Replica
 * identity"): the state-machine tables whose transitions become domain events (a bridge needs
 * the before-image to see "accepted → completed"), and the tables with long text bodies that
 * Odoo updates for small counters, whose unchanged TOAST values would otherwise reach Kafka
 * consumers as `__debezium_unavailable_value`. Every other table keeps DEFAULT (key-only
 * before-images): the applier needs nothing more, and FULL costs WAL on every Odoo UPDATE.
 */
export const LEGACY_FULL_IDENTITY_TABLES: readonly string[] = [
  'public.service_orders',
  'public.grab_orders',
  'public.orders',
  'public.payments',
  'public.settlements',
  'public.live_streams',
  'public.qa_questions',
  'public.community_posts',
  'public.knowledge_contents',
];

/** ALTER TABLE … REPLICA IDENTITY FULL where not already set (takes a brief ACCESS EXCLUSIVE lock). */
export async function ensureReplicaIdentityFull(client: pg.ClientBase, tables: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const table of tables) {
    const [schema, name] = splitQualified(table);
    const { rows } = await client.query<{ relreplident: string }>(
      `SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [schema, name],
    );
    if (rows.length === 0 || rows[0]!.relreplident === 'f') continue;
    await client.query(`ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(name)} REPLICA IDENTITY FULL`);
    changed.push(table);
  }
  return changed;
}
