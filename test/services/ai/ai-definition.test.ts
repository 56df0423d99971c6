import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { SERVICE_CATALOG, loadServiceRoster } from '../../../services/catalog.ts';
import ai from '../../../services/ai/index.ts';
import { aiHome } from '../../../services/ai/db/ai-home.ts';
import { EVENT_TYPES, type ServiceEngineOptions } from '../../../services/kit/index.ts';

const schemaFile = (ref: string) => new URL(`../../../schemas/${ref}`, import.meta.url);

/**
 * The ai service's one definition (SERVICES.md "Shape"): what the catalogue, the runtime and the
 * control plane learn from it, checked against the files it names.
 */
describe('the ai service definition', () => {
  it('is built in the catalogue and takes over M16 alone', async () => {
    expect('load' in SERVICE_CATALOG.ai).toBe(true);
    const roster = await loadServiceRoster();
    expect(roster.serviceOfModule('M16')?.name).toBe('ai');
    expect(roster.definitions().map((d) => d.name)).toContain('ai');
    expect(ai.name).toBe('ai');
    expect(ai.modules).toEqual(['M16']);
    expect(ai.odoo?.movesTogether ?? []).toEqual([]);
    expect(aiHome.modules).toEqual(['M16']);
  });

  it('serves hp_ai\'s three models under their tables, with every business method it names registered on both sides of the cut', () => {
    expect(ai.odoo!.models.map((m) => `${m.module} ${m.model} ${m.table}`)).toEqual([
      'M16 hp.ai.model ai_models', 'M16 hp.ai.generation.task generation_tasks', 'M16 hp.ai.insight insights',
    ]);
    expect(ai.odoo!.businessMethods['hp.ai.generation.task']).toEqual(['action_run', 'action_done', 'action_fail']);
    const engine = { name: 'hp_legacy', pool: {} as never, logger: {} as never } as ServiceEngineOptions;
    for (const registry of [ai.odoo!.behaviours(new BehaviourRegistry(), engine), ai.odoo!.legacyBehaviours(new BehaviourRegistry())]) {
      for (const [model, methods] of Object.entries(ai.odoo!.businessMethods)) for (const method of methods) expect(registry.method(model, method), `${model}.${method}`).toBeDefined();
    }
    // action_done(result=None) and action_fail(error=None): Python's keyword defaults, so a call without the argument binds.
    const registry = ai.odoo!.legacyBehaviours(new BehaviourRegistry());
    expect(registry.method('hp.ai.generation.task', 'action_done')!.signature.params).toEqual([{ name: 'result', default: null }]);
    expect(registry.method('hp.ai.generation.task', 'action_fail')!.signature.params).toEqual([{ name: 'error', default: null }]);
  });

  it('consumes only contracts in schemas/events/ and runs its task worker in the background', () => {
    for (const subscription of ai.subscriptions) expect(EVENT_TYPES).toContain(subscription.type);
    expect(typeof ai.background).toBe('function');
    expect(ai.migrations.map((m) => m.id).slice(0, 2)).toEqual(['0001_ai_legacy_tables', '0002_ai_task_runs']);
  });

  it('answers each route under /ai/, with schemas that exist, and Idempotency-Key on every POST', () => {
    for (const route of ai.routes) {
      expect(route.path.startsWith('/ai/') || ai.sharedPaths?.includes(route.path), route.path).toBe(true);
      for (const ref of [route.body, route.query, route.params, ...Object.values(route.responses)]) if (ref) expect(existsSync(schemaFile(ref)), `${route.path}: ${ref}`).toBe(true);
      if (route.method === 'post') expect(route.idempotency, route.path).toMatch(/^(required|optional)$/);
    }
  });
});
