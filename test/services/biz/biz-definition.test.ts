import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { SERVICE_CATALOG, loadServiceRoster } from '../../../services/catalog.ts';
import { communityHome, dashboardHome, liveStreamHome } from '../../../services/biz/db/biz-home.ts';
import biz from '../../../services/biz/index.ts';
import { EVENT_TYPES, type ServiceEngineOptions } from '../../../services/kit/index.ts';

const schemaFile = (ref: string) => new URL(`../../../schemas/${ref}`, import.meta.url);

/**
 * The biz service's one definition (SERVICES.md "Shape"): what the catalogue, the runtime and the
 * control plane learn from it, checked against the files it names.
 */
describe('the biz service definition', () => {
  it('is built in the catalogue and takes over M03, M07 and M08, each moving alone', async () => {
    expect('load' in SERVICE_CATALOG.biz).toBe(true);
    const roster = await loadServiceRoster();
    for (const module of ['M03', 'M07', 'M08']) expect(roster.serviceOfModule(module)?.name).toBe('biz');
    expect(biz.modules).toEqual(['M03', 'M07', 'M08']);
    expect(biz.odoo?.movesTogether ?? []).toEqual([]);
    // One home per module: each module's rows are found where that module lives.
    expect([dashboardHome.modules, liveStreamHome.modules, communityHome.modules]).toEqual([['M03'], ['M07'], ['M08']]);
  });

  it('serves the four legacy models under their tables, and provides every business method the legacy README lists for them', () => {
    expect(biz.odoo!.models.map((m) => `${m.module} ${m.model} ${m.table}`)).toEqual([
      'M03 hp.biz.dashboard biz_dashboards', 'M07 hp.live.stream live_streams', 'M08 hp.community.group community_groups', 'M08 hp.community.member members',
    ]);
    expect(biz.odoo!.businessMethods).toEqual({ 'hp.live.stream': ['action_go_live', 'action_end'], 'hp.community.member': ['action_leave', 'action_ban'] });
    const engine = { name: 'hp_legacy', pool: {} as never, logger: {} as never } as ServiceEngineOptions;
    for (const registry of [biz.odoo!.behaviours(new BehaviourRegistry(), engine), biz.odoo!.legacyBehaviours(new BehaviourRegistry())]) {
      for (const [model, methods] of Object.entries(biz.odoo!.businessMethods)) for (const method of methods) expect(registry.method(model, method), `${model}.${method}`).toBeDefined();
      expect(registry.computeOf('hp.community.group', 'member_count')).toBeDefined();
    }
  });

  it('publishes and consumes only contracts in schemas/events/, its own of M03, M07 or M08', () => {
    for (const type of biz.publishes) {
      const schema = JSON.parse(readFileSync(schemaFile(`events/${type}.json`), 'utf8')) as { 'x-legacy-module'?: string };
      expect(['M03', 'M07', 'M08'], type).toContain(schema['x-legacy-module']);
    }
    expect(biz.publishes).toEqual(expect.arrayContaining(['live_started', 'community_created', 'biz_activity', 'community_member_changed']));
    for (const subscription of biz.subscriptions) expect(EVENT_TYPES).toContain(subscription.type);
  });

  it('answers the community endpoints (M08), each route under /biz/ or a path it claims, with schemas that exist', () => {
    const routes = biz.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(routes).toEqual(expect.arrayContaining([
      'GET /communities/groups', 'POST /communities/groups', 'GET /communities/groups/:id', 'GET /communities/groups/:id/members', 'POST /communities/groups/:id/members',
      'GET /communities/groups/:id/members/:userId', 'POST /communities/groups/:id/members/:userId/leave', 'POST /communities/groups/:id/members/:userId/ban',
    ]));
    for (const route of biz.routes) {
      expect(route.path.startsWith('/biz/') || biz.sharedPaths?.includes(route.path), route.path).toBe(true);
      for (const ref of [route.body, route.query, route.params, ...Object.values(route.responses)]) if (ref) expect(existsSync(schemaFile(ref)), `${route.path}: ${ref}`).toBe(true);
      if (route.method === 'post' && /\/(groups|members)$/.test(route.path)) expect(route.idempotency, route.path).toMatch(/^(required|optional)$/);
    }
  });
});
