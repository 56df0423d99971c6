import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import { SERVICE_CATALOG, loadServiceRoster } from '../../../services/catalog.ts';
import { growthHome, operationsHome, riskHome } from '../../../services/ops/db/ops-home.ts';
import ops from '../../../services/ops/index.ts';
import { EVENT_TYPES, type ServiceEngineOptions } from '../../../services/kit/index.ts';

const schemaFile = (ref: string) => new URL(`../../../schemas/${ref}`, import.meta.url);

/**
 * The ops service's one definition (SERVICES.md "Shape"): what the catalogue, the runtime and the
 * control plane learn from it, checked against the files it names.
 */
describe('the ops service definition', () => {
  it('is built in the catalogue and takes over M05, M17 and M18, each moving alone', async () => {
    expect('load' in SERVICE_CATALOG.ops).toBe(true);
    const roster = await loadServiceRoster();
    for (const module of ['M05', 'M17', 'M18']) expect(roster.serviceOfModule(module)?.name).toBe('ops');
    expect(roster.definitions().map((d) => d.name)).toContain('ops');
    expect(ops.name).toBe('ops');
    expect(ops.modules).toEqual(['M05', 'M17', 'M18']);
    expect(ops.odoo?.movesTogether ?? []).toEqual([]);
    expect(ops.odoo?.looseLinks?.map((l) => l.link)).toEqual(['hp.risk.alert.res_model/res_id']);
    expect([growthHome.modules, operationsHome.modules, riskHome.modules]).toEqual([['M05'], ['M17'], ['M18']]);
  });

  it('serves the seven legacy models under their tables, with every business method it names registered on both sides of the cut', () => {
    expect(ops.odoo!.models.map((m) => `${m.module} ${m.model} ${m.table}`)).toEqual([
      'M05 hp.rating ratings', 'M05 hp.certification certifications', 'M17 hp.operation operations', 'M17 hp.notification notifications',
      'M18 hp.risk.rule risk_rules', 'M18 hp.risk.alert risk_alerts', 'M18 hp.audit.log audit_logs',
    ]);
    expect(ops.odoo!.businessMethods['hp.certification']).toEqual(['action_revoke']);
    const engine = { name: 'hp_legacy', pool: {} as never, logger: {} as never } as ServiceEngineOptions;
    for (const registry of [ops.odoo!.behaviours(new BehaviourRegistry(), engine), ops.odoo!.legacyBehaviours(new BehaviourRegistry())]) {
      for (const [model, methods] of Object.entries(ops.odoo!.businessMethods)) for (const method of methods) expect(registry.method(model, method), `${model}.${method}`).toBeDefined();
    }
  });

  it('publishes service_rated (a contract of M05) and consumes only contracts in schemas/events/', () => {
    expect(ops.publishes).toContain('service_rated');
    for (const type of ops.publishes) {
      const schema = JSON.parse(readFileSync(schemaFile(`events/${type}.json`), 'utf8')) as { 'x-legacy-module'?: string };
      expect(['M05', 'M17', 'M18'], type).toContain(schema['x-legacy-module']);
    }
    for (const subscription of ops.subscriptions) expect(EVENT_TYPES).toContain(subscription.type);
  });

  it('answers each route under /ops/ or a path it claims, with schemas that exist, and Idempotency-Key on every create', () => {
    for (const route of ops.routes) {
      expect(route.path.startsWith('/ops/') || ops.sharedPaths?.includes(route.path), route.path).toBe(true);
      for (const ref of [route.body, route.query, route.params, ...Object.values(route.responses)]) if (ref) expect(existsSync(schemaFile(ref)), `${route.path}: ${ref}`).toBe(true);
      if (route.method === 'post' && Object.keys(route.responses).includes('201')) expect(route.idempotency, route.path).toMatch(/^(required|optional)$/);
    }
  });
});
