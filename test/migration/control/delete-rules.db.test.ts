import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { loadModulePlans, type ModulePlan } from '../../../migration/control/module-plan.ts';
import { installDeleteRules, readInstalledDeleteRules } from '../../../migration/control/sync/delete-rule-triggers.ts';
import { countByAction, deriveDeleteRules } from '../../../migration/control/sync/delete-rules.ts';
import { deleteRulesView, renderDeleteRules } from '../../../migration/control/sync/delete-rules-view.ts';
import { serviceReferenceTables } from '../../../migration/control/sync/reference-tables.ts';
import { provisionServiceDatabase } from '../../../services/kit/db/provision.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * Every built service's database, provisioned and given its reference copies as a module sync
 * does, carries exactly the monolith's foreign keys that cross its cut as delete triggers: the
 * expectation is read here from the monolith's pg_constraint and the service database's tables
 * (any table it holds that is not the referring table's own module's), not from the derivation
 * under test, so neither a new key on the monolith nor a table a service adds can drift unseen.
 */
const ACTING: Record<string, string> = { c: 'cascade', n: 'set null', d: 'set default' };

describe("the monolith's ON DELETE rules in every service database", () => {
  let legacy: TestDatabase;
  let plans: Map<string, ModulePlan>;
  const services: TestDatabase[] = [];
  beforeAll(async () => {
    legacy = await legacyDatabase();
    plans = await loadModulePlans(legacy.pool);
  }, 120_000);
  afterAll(async () => {
    for (const db of services) await db.drop().catch(() => undefined);
    await legacy?.drop();
  });

  it('installed rules equal the foreign keys from each service’s tables to the tables it holds of other modules, and installing again changes nothing', async () => {
    const built = new Map([...plans.values()].filter((p) => p.definition).map((p) => [p.service, p.definition!]));
    expect(built.size).toBeGreaterThan(0);
    const counts: Record<string, unknown> = {};
    for (const [service, definition] of [...built].sort(([a], [b]) => a.localeCompare(b))) {
      const db = await emptyDatabase(`svc_${service}`);
      services.push(db);
      await provisionServiceDatabase(db.url, definition.migrations);
      const referenceTables = serviceReferenceTables(plans, service);
      const source = await legacy.pool.connect();
      const target = await db.pool.connect();
      try {
        await copyTableDefinitions(source, target, referenceTables.map((t) => `public.${t}`));
        const rules = await deriveDeleteRules(source, plans, service, referenceTables);
        const installation = await installDeleteRules(target, rules);
        counts[service] = { ...countByAction(rules), skipped: installation.skipped.length };
        expect(installation.skipped.map((s) => `${s.rule.constraint}: ${s.why}`), service).toEqual([]);

        // The expectation, from the two catalogs.
        const moduleOf = new Map([...plans.values()].filter((p) => p.service === service).flatMap((p) => p.tables.map((t) => [t, p.code] as const)));
        const held = await target.query<{ name: string }>(`SELECT relname::text AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`);
        const heldTables = new Set(held.rows.map((r) => r.name));
        const { rows: keys } = await source.query<{ tbl: string; ref: string; action: string; cols: string[]; refcols: string[] }>(
          `SELECT t.relname::text AS tbl, r.relname::text AS ref, c.confdeltype::text AS action,
                  (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols,
                  (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS refcols
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND t.relname = ANY($1::text[])`,
          [[...moduleOf.keys()]],
        );
        const crossing = keys.filter((k) => heldTables.has(k.ref) && moduleOf.get(k.ref) !== moduleOf.get(k.tbl));
        const expected = crossing
          .filter((k) => ACTING[k.action])
          .map((k) => `${k.ref} -> ${k.tbl}(${k.cols.join(',')}) [${k.refcols.join(',')}] ${ACTING[k.action]} set ${k.cols.join(',')} O`)
          .sort();
        const installed = (await readInstalledDeleteRules(target))
          .map((r) => `${r.references} -> ${r.table}(${r.columns.join(',')}) [${r.referencedColumns.join(',')}] ${r.action} set ${r.setColumns.join(',')} ${r.enabled}`)
          .sort();
        expect(installed, service).toEqual(expected);
        if (service === 'content') {
          // The two keys c1 wrote by hand (content migrations 0005/0006) are among them.
          expect(installed).toContain('content_tags -> qa_question_tag_rel(tag_id) [id] cascade set tag_id O');
          expect(installed).toContain('community_groups -> community_posts(group_id) [id] set null set group_id O');
        }
        // Restrict / no action are derived too (listed, nothing installed).
        expect(rules.length, service).toBe(crossing.length);

        const again = await installDeleteRules(target, rules);
        expect({ changed: again.changed, dropped: again.dropped }, service).toEqual({ changed: 0, dropped: [] });
      } finally {
        source.release();
        target.release();
      }
    }
    console.log(`delete rules per service (monolith foreign keys crossing the cut): ${JSON.stringify(counts)}`);
  }, 600_000);

  it('a rule the monolith no longer has is dropped, a changed one replaced', async () => {
    const db = services.find((s) => s.name.includes('svc_content'))!;
    const rules = await deriveDeleteRules(legacy.pool, plans, 'content');
    const target = await db.pool.connect();
    try {
      const [first, ...rest] = rules.filter((r) => r.action === 'cascade' || r.action === 'set null');
      expect(first).toBeDefined();
      const dropped = await installDeleteRules(target, rest);
      expect(dropped.dropped).toHaveLength(1);
      const flipped = { ...first!, action: first!.action === 'cascade' ? ('set null' as const) : ('cascade' as const) };
      const replaced = await installDeleteRules(target, [flipped, ...rest]);
      expect(replaced.changed).toBe(1);
      expect((await readInstalledDeleteRules(target)).find((r) => r.table === first!.table && r.references === first!.references && r.columns.join() === first!.columns.join())?.action).toBe(flipped.action);
      const restored = await installDeleteRules(target, rules);
      expect(restored.changed).toBe(1);
      // `ficus migrate delete-rules content`: every acting rule carried again.
      const view = await deleteRulesView(legacy.pool, () => db.pool, 'content');
      expect(view.provisioned).toBe(true);
      expect(view.rules.filter((r) => r.carried === 'no')).toEqual([]);
      expect(renderDeleteRules(view)).toContain(`content: ${rules.length} foreign keys of the monolith cross the cut (${view.counts.cascade} cascade, ${view.counts['set null']} set null`);
      await expect(deleteRulesView(legacy.pool, () => db.pool, 'nope')).rejects.toThrow(/unknown service 'nope'/);
    } finally {
      target.release();
    }
  }, 120_000);
});
