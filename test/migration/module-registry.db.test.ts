import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModuleRegistry, SERVICES, type ModuleRegistry } from '../../migration/modules/index.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

let legacy: TestDatabase;
let registry: ModuleRegistry;

beforeAll(async () => {
  legacy = await legacyDatabase();
  registry = await loadModuleRegistry(legacy.pool);
});
afterAll(() => legacy?.drop());

describe('module registry from the legacy database', () => {
  it('maps all twenty modules to the services of DESIGN.md, all installed', () => {
    expect(registry.modules.map((m) => m.code)).toEqual(Array.from({ length: 20 }, (_, i) => `M${String(i + 1).padStart(2, '0')}`));
    expect(registry.modules.every((m) => m.installed)).toBe(true);
    const byService = Object.fromEntries(SERVICES.map((s) => [s, registry.modulesOfService(s).map((m) => m.code).sort()]));
    expect(byService).toEqual({
      auth: ['M01'], user: ['M02'], dynamic: ['M19'], trade: ['M04', 'M20'], content: ['M06', 'M11', 'M12'],
      biz: ['M03', 'M07', 'M08'], ec: ['M09', 'M10'], finance: ['M13', 'M14', 'M15'], ops: ['M05', 'M17', 'M18'], ai: ['M16'],
    });
  });

  it('names each module as the legacy database does (manifest summary "M04 - …" and name), nothing kept by hand', () => {
    expect(registry.modules.map((m) => [m.code, m.technicalName, m.title])).toEqual([
      ['M01', 'hp_account', 'Unified Account & Permission Center'],
      ['M02', 'hp_personal', 'Personal Center'],
      ['M03', 'hp_workbench', 'B-end Workbench'],
      ['M04', 'hp_marketplace', 'Health Service Marketplace'],
      ['M05', 'hp_growth', 'Growth & Certification'],
      ['M06', 'hp_knowledge', 'Paid Knowledge Content'],
      ['M07', 'hp_live', 'Live Monetization'],
      ['M08', 'hp_community_biz', 'Community Monetization'],
      ['M09', 'hp_mall', 'Health E-commerce Mall'],
      ['M10', 'hp_ads', 'Advertising'],
      ['M11', 'hp_community', 'Health Community'],
      ['M12', 'hp_qa', 'Q&A'],
      ['M13', 'hp_payment', 'Payment & Clearing'],
      ['M14', 'hp_points', 'Points'],
      ['M15', 'hp_gift', 'Gift Marketplace'],
      ['M16', 'hp_ai', 'AI Empowerment'],
      ['M17', 'hp_operations', 'Platform Operations'],
      ['M18', 'hp_risk', 'Compliance & Risk'],
      ['M19', 'hp_feed', 'Activity Feed'],
      ['M20', 'hp_grab', 'Order Grabbing'],
    ]);
    expect(registry.get('m4').code).toBe('M04');
    expect(registry.get('hp_points').code).toBe('M14');
  });

  it('resolves the custom _table of every hp model from the catalog, without the addon sources', () => {
    const m02 = registry.get('M02');
    expect(m02.models.map((m) => [m.model, m.table])).toEqual([
      ['hp.assessment', 'assessments'],
      ['hp.device.binding', 'device_bindings'],
      ['hp.health.goal', 'health_goals'],
      ['hp.health.record', 'health_records'],
    ]);
    for (const m of registry.modules.flatMap((x) => x.models)) expect(m.table, m.model).not.toBeNull();
    expect(registry.get('hp_mall').tables).toEqual(['inventories', 'order_lines', 'orders']);
  });

  it('gives a model extended by several modules to the module that created it, and lists extensions separately', () => {
    const marketplace = registry.get('m4');
    expect(marketplace.models.map((m) => m.model)).toContain('hp.service.order');
    expect(registry.get('M20').models.map((m) => m.model)).not.toContain('hp.service.order');
    expect(registry.get('M20').extensions.map((e) => [e.model, e.ownerModule])).toContainEqual(['hp.service.order', 'hp_marketplace']);
    const account = registry.get('hp_account');
    expect(account.models.map((m) => m.model)).toEqual(['hp.auth.token', 'hp.permission']);
    expect(account.extensions).toContainEqual(expect.objectContaining({ model: 'res.users', table: 'res_users', ownerModule: 'base', columns: ['hp_level', 'hp_user_type'] }));
    expect(registry.moduleOfTable('res_users')).toBeUndefined();
    expect(registry.moduleOfModel('hp.service.order')?.code).toBe('M04');
  });

  it('owns many2many tables with the module that declared the field', () => {
    expect(registry.get('M01').relationTables.map((r) => r.table)).toEqual(['permission_group_rel']);
    expect(registry.get('M06').tables).toContain('knowledge_content_tag_rel');
    expect(registry.get('M12').relationTables[0]).toMatchObject({ table: 'qa_question_tag_rel', model: 'hp.qa.question' });
    expect(registry.moduleOfTable('qa_question_tag_rel')?.code).toBe('M12');
  });

  it('lists references across module boundaries, polymorphic ones included', () => {
    const m13 = registry.get('M13');
    expect(m13.referencesOut).toContainEqual(expect.objectContaining({ kind: 'polymorphic', fromTable: 'payments', toModel: 'hp.service.order', toModule: 'hp_marketplace' }));
    const into = registry.get('M04').referencesIn.map((r) => `${r.fromModel}.${r.field}`);
    expect(into).toEqual(expect.arrayContaining(['hp.grab.order.service_order_id', 'hp.rating.order_id', 'hp.payment.source_model/source_id']));
    expect(registry.get('M02').referencesOut).toContainEqual(expect.objectContaining({ kind: 'many2one', fromModel: 'hp.health.record', toModel: 'res.users', toModule: 'base' }));
  });

  it('rejects an unknown module with the list of known ones', () => {
    expect(() => registry.get('M21')).toThrow(/unknown module 'M21'.*M01 \(hp_account\)/);
  });
});
