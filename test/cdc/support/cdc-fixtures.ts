import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Registry } from 'prom-client';
import { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { createLogger } from '../../../platform/logger.ts';

export const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', format: 'json' });

/** The 45 tables of the twenty hp_* addons (legacy-odoo/README.md module map). */
export const HP_TABLES = [
  'auth_tokens', 'permissions', 'health_records', 'device_bindings', 'health_goals', 'assessments', 'biz_dashboards',
  'health_services', 'service_orders', 'appointments', 'ratings', 'certifications', 'content_tags', 'knowledge_contents',
  'content_purchases', 'live_streams', 'community_groups', 'members', 'orders', 'order_lines', 'inventories',
  'ad_campaigns', 'ad_impressions', 'community_posts', 'comments', 'qa_questions', 'qa_answers', 'payments',
  'settlements', 'points_transactions', 'gifts', 'gift_orders', 'ai_models', 'generation_tasks', 'insights',
  'operations', 'notifications', 'risk_rules', 'risk_alerts', 'audit_logs', 'activities', 'user_feeds',
  'recommendations', 'grab_orders', 'matching_rules',
].map((t) => `public.${t}`);

/** hp tables plus the stock tables that hold the legacy database's bytea columns. */
export const CAPTURED_TABLES = [...HP_TABLES, 'public.res_company', 'public.ir_attachment'];

/**
 * A replication origin is cluster-wide and held by one session at a time, so every applier of
 * a test gets its own name: suites running side by side never wait for each other's.
 */
export function testOriginName(purpose: string): string {
  return `ficus_${purpose}_${randomBytes(4).toString('hex')}`;
}

export async function openApplier(targetUrl: string, registry = new Registry()): Promise<ChangeApplier> {
  return ChangeApplier.open({ targetUrl, sourceName: 'legacy', logger, registry, origin: testOriginName('forward') });
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function slotNames(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots ORDER BY 1');
  return rows.map((r) => r.slot_name);
}
