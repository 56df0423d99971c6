import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry, declaredRecordRules } from '../../../odoo-bridge/orm/index.ts';
import { registerLegacyAddons } from '../../../migration/legacy-addons/index.ts';
import { SERVICE_CATALOG, loadServiceRoster } from '../../../services/catalog.ts';
import { adsHome, mallHome } from '../../../services/ec/db/ec-home.ts';
import ec from '../../../services/ec/index.ts';
import { defineService, EVENT_TYPES, type ServiceEngineOptions } from '../../../services/kit/index.ts';

const schemaFile = (ref: string) => new URL(`../../../schemas/${ref}`, import.meta.url);

/**
 * The ec service's one definition (SERVICES.md "Shape"): what the catalogue, the runtime and the
 * control plane learn from it, checked against the files it names.
 */
describe('the ec service definition', () => {
  it("closes hp_mall's order-line hole with declared record rules that mirror the order's, declared for every access decision of the process", () => {
    expect(ec.odoo!.recordRules!.map((r) => [r.model, r.domain, r.groups])).toEqual([
      ['hp.mall.order.line', "[('order_id.buyer_id', '=', user.id)]", ['hp_account.group_hp_member']],
      ['hp.mall.order.line', "[(1, '=', 1)]", ['hp_account.group_hp_merchant', 'hp_account.group_hp_operator']],
    ]);
    for (const rule of ec.odoo!.recordRules!) expect(declaredRecordRules()).toContainEqual(rule);
    // A rule on a model the service does not serve, or naming a group by anything but its xml id, stops the definition.
    const withRule = (rule: { model: string; domain: string; groups: string[] }) => () =>
      defineService({ ...ec, odoo: { ...ec.odoo!, recordRules: [{ name: 'planted', ...rule }] } });
    expect(withRule({ model: 'res.partner', domain: '[]', groups: [] })).toThrow("record rule 'planted' is on res.partner, a model it does not serve");
    expect(withRule({ model: 'hp.mall.order.line', domain: '[]', groups: ['group_hp_member'] })).toThrow('group_hp_member is not a group\'s xml id');
  });

  it('is built in the catalogue and takes over M09 and M10, each moving alone', async () => {
    expect('load' in SERVICE_CATALOG.ec).toBe(true);
    const roster = await loadServiceRoster();
    for (const module of ['M09', 'M10']) expect(roster.serviceOfModule(module)?.name).toBe('ec');
    expect(roster.definitions().map((d) => d.name)).toContain('ec');
    expect(ec.name).toBe('ec');
    expect(ec.modules).toEqual(['M09', 'M10']);
    expect(ec.odoo?.movesTogether ?? []).toEqual([]);
    expect([mallHome.modules, adsHome.modules]).toEqual([['M09'], ['M10']]);
  });

  it('serves the five legacy models under their tables (products stay Odoo\'s), with every business method it names registered on both sides of the cut', () => {
    expect(ec.odoo!.models.map((m) => `${m.module} ${m.model} ${m.table}`)).toEqual([
      'M09 hp.mall.order orders', 'M09 hp.mall.order.line order_lines', 'M09 hp.inventory inventories',
      'M10 hp.ad.campaign ad_campaigns', 'M10 hp.ad.impression ad_impressions',
    ]);
    expect(ec.odoo!.models.map((m) => m.model)).not.toContain('product.template');
    expect(ec.odoo!.businessMethods['hp.mall.order']).toEqual(['action_pay', 'action_ship', 'action_deliver', 'action_cancel']);
    const engine = { name: 'hp_legacy', pool: {} as never, logger: {} as never } as ServiceEngineOptions;
    for (const registry of [ec.odoo!.behaviours(new BehaviourRegistry(), engine), ec.odoo!.legacyBehaviours(new BehaviourRegistry())]) {
      for (const [model, methods] of Object.entries(ec.odoo!.businessMethods)) for (const method of methods) expect(registry.method(model, method), `${model}.${method}`).toBeDefined();
      // The stored computes the engine refuses to create rows without.
      expect(registry.computeOf('hp.mall.order', 'amount_total')).toBeDefined();
      expect(registry.computeOf('hp.mall.order.line', 'subtotal')).toBeDefined();
    }
  });

  it('is the one copy of hp_mall\'s rules: the legacy addons no longer carry them', () => {
    const legacyAddons = registerLegacyAddons(new BehaviourRegistry(), { callModel: async () => undefined });
    expect(legacyAddons.of('hp.mall.order')).toEqual([]);
    expect(legacyAddons.of('hp.mall.order.line')).toEqual([]);
  });

  it('publishes product_purchased, inventory_updated (M09) and ad_clicked (M10), and consumes only contracts in schemas/events/', () => {
    expect([...ec.publishes].sort()).toEqual(['ad_clicked', 'inventory_updated', 'product_purchased']);
    for (const type of ec.publishes) {
      const schema = JSON.parse(readFileSync(schemaFile(`events/${type}.json`), 'utf8')) as { 'x-legacy-module'?: string };
      expect(['M09', 'M10'], type).toContain(schema['x-legacy-module']);
    }
    for (const subscription of ec.subscriptions) expect(EVENT_TYPES).toContain(subscription.type);
  });

  it('answers each route under /ec/ or a path it claims, with schemas that exist, and Idempotency-Key on every create', () => {
    for (const route of ec.routes) {
      expect(route.path.startsWith('/ec/') || ec.sharedPaths?.includes(route.path), route.path).toBe(true);
      for (const ref of [route.body, route.query, route.params, ...Object.values(route.responses)]) if (ref) expect(existsSync(schemaFile(ref)), `${route.path}: ${ref}`).toBe(true);
      if (route.method === 'post' && Object.keys(route.responses).includes('201')) expect(route.idempotency, route.path).toMatch(/^(required|optional)$/);
    }
  });
});
