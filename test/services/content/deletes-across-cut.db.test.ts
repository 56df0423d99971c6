import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { settleModules } from '../../../bench/drill/module-drill.ts';
import { useReplicationOrigin } from '../../../cdc/apply/replication-origin.ts';
import type { StepOptions } from '../../../migration/control/controller.ts';
import { reverseSlot } from '../../../migration/control/module-plan.ts';
import { readInstalledDeleteRules } from '../../../migration/control/sync/delete-rule-triggers.ts';
import { reconcileModules } from '../../../migration/reconcile/index.ts';
import content from '../../../services/content/index.ts';
import { drillLog, serviceDrillStack } from '../support/service-drill-stack.ts';

/**
 * Deletes across the cut, with the real syncs (the drill's stack: forward, reverse and reference
 * readers, the controller's cutovers). M11 and M12 are served by content, M06 (tags) and M08
 * (groups, biz's) are not:
 * - a tag deleted on the monolith: Odoo's database cascades the many2many rows
 *   (knowledge_content_tag_rel and qa_question_tag_rel: ON DELETE CASCADE);
 * - a group deleted by biz, which reaches the monolith by biz's reverse sync (its replication
 *   origin, as biz's applier writes it): Odoo's database sets community_posts.group_id NULL
 *   (`group_id = fields.Many2one(..., ondelete='set null')`) and deletes its memberships.
 * svc_content must end as Odoo's database does, on the rows M11 and M12 serve, and reconcile
 * stays clean.
 */
const MODULES = ['M06', 'M11', 'M12'] as const;

describe('deletes across the cut: a tag deleted on the monolith while M12 is served, a group deleted by biz while M11 is served', () => {
  const drill = serviceDrillStack(content);

  it("svc_content ends as Odoo's database does (question tags cascaded, posts' group set null) and reconcile is clean", async () => {
    const stack = drill.stack();
    const c = stack.controller;
    const forced: StepOptions = { force: true, reason: 'deletes across the cut', thresholds: { minShadowSamples: 1, minMatchRate: 0.99 }, ackTimeoutMs: 30_000 };
    for (const module of MODULES) {
      const backfill = await c.backfill(module, { waitMs: 120_000 });
      expect(backfill.ok, backfill.message).toBe(true);
    }
    for (const module of ['M12', 'M11']) {
      for (const step of [() => c.shadow(module, forced), () => c.canary(module, 10, forced), () => c.cutover(module, forced)]) {
        const result = await step();
        expect(result.ok, `${module}: ${result.message}`).toBe(true);
      }
      drillLog.log(`${module} served by content`);
    }

    const legacy = stack.legacyPool;
    const service = stack.servicePool;
    // The backfill put Odoo's rules on the reference copy it created and on content_tags, before its readers started (no waiting).
    // knowledge_content_tag_rel is M06's own, like content_tags: the monolith's cascade of it moves with M06 (its forward sync, then its engine).
    const rules = await readInstalledDeleteRules(service);
    const ruleOf = (references: string, table: string) => rules.find((r) => r.references === references && r.table === table)?.action;
    expect({ group: ruleOf('community_groups', 'community_posts'), tag: ruleOf('content_tags', 'qa_question_tag_rel'), content: ruleOf('content_tags', 'knowledge_content_tag_rel') })
      .toEqual({ group: 'set null', tag: 'cascade', content: undefined });
    // A tag linked by questions (and, if any, contents); a group named by posts.
    const { rows: [tag] } = await legacy.query<{ tag_id: number }>('SELECT tag_id FROM qa_question_tag_rel GROUP BY tag_id ORDER BY count(*) DESC, tag_id LIMIT 1');
    const { rows: [group] } = await legacy.query<{ group_id: number }>('SELECT group_id FROM community_posts WHERE group_id IS NOT NULL GROUP BY group_id ORDER BY count(*) DESC, group_id LIMIT 1');
    const questionLinks = async (db: pg.Pool) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM qa_question_tag_rel WHERE tag_id = $1', [tag!.tag_id])).rows[0]!.n;
    const contentLinks = async (db: pg.Pool) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM knowledge_content_tag_rel WHERE tag_id = $1', [tag!.tag_id])).rows[0]!.n;
    const postsOfGroup = async (db: pg.Pool) => (await db.query<{ id: number }>('SELECT id FROM community_posts WHERE group_id = $1 ORDER BY id', [group!.group_id])).rows.map((r) => r.id);
    const posts = await postsOfGroup(legacy);
    expect(await questionLinks(service)).toBeGreaterThan(0);
    expect(posts.length).toBeGreaterThan(0);
    expect(await postsOfGroup(service)).toEqual(posts);

    // The tag, deleted by Odoo's unlink on the monolith (M06 is the monolith's): its DELETE, the foreign keys do the rest.
    await legacy.query('DELETE FROM ir_model_data WHERE model = $1 AND res_id = $2', ['hp.content.tag', tag!.tag_id]);
    await legacy.query('DELETE FROM content_tags WHERE id = $1', [tag!.tag_id]);
    // The group, as biz's reverse sync deletes it on the monolith once biz served M08 and deleted it there.
    const biz = new pg.Client({ connectionString: stack.endpoints.legacyUrl });
    await biz.connect();
    try {
      await useReplicationOrigin(biz, reverseSlot('M08'));
      await biz.query('BEGIN');
      await biz.query('DELETE FROM members WHERE group_id = $1', [group!.group_id]);
      await biz.query('DELETE FROM community_groups WHERE id = $1', [group!.group_id]);
      await biz.query('COMMIT');
    } finally {
      await biz.query('SELECT pg_replication_origin_session_reset()').catch(() => undefined);
      await biz.end();
    }
    // Odoo's database on the monolith.
    expect(await questionLinks(legacy)).toBe(0);
    expect(await contentLinks(legacy)).toBe(0);
    expect(await postsOfGroup(legacy)).toEqual([]);

    // The syncs carry the deletes: M06's forward (the tag), the reference reader (the group's copy).
    const copied = async () =>
      (await service.query<{ tags: number; groups: number }>('SELECT (SELECT count(*)::int FROM content_tags WHERE id = $1) AS tags, (SELECT count(*)::int FROM community_groups WHERE id = $2) AS groups', [tag!.tag_id, group!.group_id])).rows[0]!;
    for (let i = 0; i < 600; i += 1) {
      const now = await copied();
      if (!now.tags && !now.groups) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await copied()).toEqual({ tags: 0, groups: 0 });
    await settleModules(stack, [...MODULES]);

    // svc_content as Odoo's database: no relation row names the tag, no post names the group.
    expect(await questionLinks(service)).toBe(0);
    expect(await contentLinks(service)).toBe(0);
    expect(await postsOfGroup(service)).toEqual([]);
    const nulled = await service.query<{ id: number }>('SELECT id FROM community_posts WHERE id = ANY($1::int4[]) AND group_id IS NULL ORDER BY id', [posts]);
    expect(nulled.rows.map((r) => r.id)).toEqual(posts);

    // The monolith's cascade of M12's relation rows reached content as legacy deletes (M12 is served): done, none refused.
    const outcomes = await service.query<{ outcome: string | null; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM ficus_cdc.legacy_command WHERE table_name = 'qa_question_tag_rel' AND op = 'd' GROUP BY outcome ORDER BY outcome`);
    expect(outcomes.rows.length).toBeGreaterThan(0);
    for (const row of outcomes.rows) expect(['deleted', 'already deleted']).toContain(row.outcome);

    const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('content'), modules: [...MODULES], lag: { lagWindowMs: 2000 } });
    const differences = rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different;
    expect({ differences, breaches: rec.summary.ruleBreaches }).toEqual({ differences: 0, breaches: 0 });
  }, 600_000);
});
