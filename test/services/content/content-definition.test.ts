import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry, declaredRecordRules } from '../../../odoo-bridge/orm/index.ts';
import { registerLegacyAddons } from '../../../migration/legacy-addons/index.ts';
import { SERVICE_CATALOG, loadServiceRoster } from '../../../services/catalog.ts';
import { communityHome, knowledgeHome, qaHome } from '../../../services/content/db/content-home.ts';
import content from '../../../services/content/index.ts';
import { EVENT_TYPES, type ServiceEngineOptions } from '../../../services/kit/index.ts';

const schemaFile = (ref: string) => new URL(`../../../schemas/${ref}`, import.meta.url);

/**
 * The content service's one definition (SERVICES.md "Shape"): what the catalogue, the runtime
 * and the control plane learn from it, checked against the files it names.
 */
describe('the content service definition', () => {
  it('is built in the catalogue and takes over M06, M11 and M12, each moving alone', async () => {
    expect('load' in SERVICE_CATALOG.content).toBe(true);
    const roster = await loadServiceRoster();
    for (const module of ['M06', 'M11', 'M12']) expect(roster.serviceOfModule(module)?.name).toBe('content');
    expect(content.name).toBe('content');
    expect(content.modules).toEqual(['M06', 'M11', 'M12']);
    expect(content.odoo?.movesTogether ?? []).toEqual([]);
    expect([knowledgeHome.modules, communityHome.modules, qaHome.modules]).toEqual([['M06'], ['M11'], ['M12']]);
    // A question's tags are M06's: the link names them and ties nothing.
    expect(content.odoo!.looseLinks!.map((l) => l.link)).toContain('hp.qa.question.tag_ids');
  });

  it('serves the seven legacy models under their tables, with every business method it names registered on both sides of the cut', () => {
    expect(content.odoo!.models.map((m) => `${m.module} ${m.model} ${m.table}`)).toEqual([
      'M06 hp.content.tag content_tags', 'M06 hp.knowledge.content knowledge_contents', 'M06 hp.content.purchase content_purchases',
      'M11 hp.community.post community_posts', 'M11 hp.comment comments', 'M12 hp.qa.question qa_questions', 'M12 hp.qa.answer qa_answers',
    ]);
    expect(content.odoo!.businessMethods['hp.knowledge.content']).toEqual(['action_publish', 'action_unpublish']);
    const engine = { name: 'hp_legacy', pool: {} as never, logger: {} as never } as ServiceEngineOptions;
    for (const registry of [content.odoo!.behaviours(new BehaviourRegistry(), engine), content.odoo!.legacyBehaviours(new BehaviourRegistry())]) {
      for (const [model, methods] of Object.entries(content.odoo!.businessMethods)) for (const method of methods) expect(registry.method(model, method), `${model}.${method}`).toBeDefined();
      // The stored compute the engine refuses to create or delete purchases without.
      expect(registry.computeOf('hp.knowledge.content', 'purchase_count')).toBeDefined();
    }
  });

  it("closes hp_knowledge's holes with declared record rules (members: their purchases, published contents and their own drafts; operators all), declared for every access decision of the process", () => {
    const m06 = content.odoo!.recordRules!.filter((r) => r.model === 'hp.knowledge.content' || r.model === 'hp.content.purchase');
    expect(m06.map((r) => [r.model, r.domain, r.groups])).toEqual([
      ['hp.content.purchase', "[('buyer_id', '=', user.id)]", ['hp_account.group_hp_member']],
      ['hp.content.purchase', "[(1, '=', 1)]", ['hp_account.group_hp_operator']],
      ['hp.knowledge.content', "['|', ('published', '=', True), ('author_id', '=', user.id)]", ['hp_account.group_hp_member']],
      ['hp.knowledge.content', "[(1, '=', 1)]", ['hp_account.group_hp_operator']],
    ]);
    for (const rule of content.odoo!.recordRules!) expect(declaredRecordRules()).toContainEqual(rule);
  });

  it('is the one copy of the addons\' rules: the legacy addons carry none of them', () => {
    const legacyAddons = registerLegacyAddons(new BehaviourRegistry(), { callModel: async () => undefined });
    for (const model of content.odoo!.models.map((m) => m.model)) expect(legacyAddons.of(model), model).toEqual([]);
  });

  it('publishes content_published, content_purchased (M06), post_liked (M11) and question_answered (M12), each a contract of its module, and consumes only contracts in schemas/events/', () => {
    expect([...content.publishes].sort()).toEqual(['content_published', 'content_purchased', 'post_liked', 'question_answered']);
    const moduleOf: Record<string, string> = { content_published: 'M06', content_purchased: 'M06', post_liked: 'M11', question_answered: 'M12' };
    for (const type of content.publishes) {
      expect(EVENT_TYPES).toContain(type);
      const schema = JSON.parse(readFileSync(schemaFile(`events/${type}.json`), 'utf8')) as { 'x-legacy-module'?: string };
      expect(schema['x-legacy-module'], type).toBe(moduleOf[type]);
    }
    for (const subscription of content.subscriptions) expect(EVENT_TYPES).toContain(subscription.type);
  });

  it('answers each route under /content/ or a path it claims, with schemas that exist, and Idempotency-Key on every create', () => {
    for (const route of content.routes) {
      expect(route.path.startsWith('/content/') || content.sharedPaths?.includes(route.path), route.path).toBe(true);
      for (const ref of [route.body, route.query, route.params, ...Object.values(route.responses)]) if (ref) expect(existsSync(schemaFile(ref)), `${route.path}: ${ref}`).toBe(true);
      // A purchase's Idempotency-Key names its saga (the route requires it itself: purchase.db.test.ts).
      const keyNamesSaga = route.path === '/contents/:id/purchase' && route.idempotency === 'never' && route.transaction === 'handler';
      if (route.method === 'post' && Object.keys(route.responses).includes('201') && !keyNamesSaga) expect(route.idempotency, route.path).toMatch(/^(required|optional)$/);
    }
  });
});
