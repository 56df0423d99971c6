import { describe, expect, it } from 'vitest';
import { inCanary } from '../../../odoo-bridge/routing/canary.ts';
import { legacyBusinessMethods, DEFAULT_ADDONS_PATH } from '../../../migration/control/gates/business-methods.ts';
import { modeAt } from '../../../migration/control/store/sync-store.ts';
import { unexplainedDifferences } from '../../../migration/control/shadow/noise-aware-diff.ts';
import { isReadMethod } from '../../../migration/control/call-kinds.ts';
import { couplingOf } from '../../../migration/control/coupled-modules.ts';
import type { ModulePlan } from '../../../migration/control/module-plan.ts';
import type { ModelReference } from '../../../migration/modules/types.ts';

describe('migration control plane, pure parts', () => {
  it('canary membership is sticky and grows with the percentage', () => {
    const uids = Array.from({ length: 2000 }, (_, i) => i + 1);
    const at10 = uids.filter((u) => inCanary('M19', u, 10));
    const at25 = uids.filter((u) => inCanary('M19', u, 25));
    expect(at10.length / uids.length).toBeGreaterThan(0.07);
    expect(at10.length / uids.length).toBeLessThan(0.13);
    expect(at10.every((u) => at25.includes(u))).toBe(true);
    expect(uids.filter((u) => inCanary('M19', u, 10))).toEqual(at10);
  });

  it('finds the public non-CRUD business methods of an addon', async () => {
    const feed = await legacyBusinessMethods(DEFAULT_ADDONS_PATH, 'hp_feed');
    expect(Object.fromEntries(feed)).toEqual({ 'hp.user.feed': ['action_mark_seen'] });
    const market = await legacyBusinessMethods(DEFAULT_ADDONS_PATH, 'hp_marketplace');
    expect(market.get('hp.service.order')).toEqual(expect.arrayContaining(['action_submit', 'action_complete', 'action_refund']));
    expect([...market.values()].flat()).not.toContain('create');
  });

  it('a change goes by the ownership switch in force at its LSN; an open switch makes readers wait', () => {
    const switches = [{ seq: 1, atLsn: 100, mode: 'command' as const }, { seq: 2, atLsn: 200, mode: 'apply' as const }];
    expect(modeAt(switches, 50, 'apply')).toBe('apply');
    expect(modeAt(switches, 150, 'apply')).toBe('command');
    expect(modeAt(switches, 250, 'apply')).toBe('apply');
    expect(modeAt([...switches, { seq: 3, atLsn: null, mode: 'command' }], 250, 'apply')).toBeUndefined();
  });

  it('shadow differences name the differing fields and never carry health values', () => {
    // `score` is also an assessment's health value: redaction goes by name, so it is hidden too.
    const legacy = [{ id: 1, seen: false, score: 0.5, current_value: 80 }];
    const diff = unexplainedDifferences(legacy, [{ id: 1, seen: true, score: -1, current_value: 81 }], legacy);
    expect(diff).toEqual([
      { kind: 'value', path: '[id=1].current_value', field: 'current_value', legacy: '[redacted]', service: '[redacted]' },
      { kind: 'value', path: '[id=1].score', field: 'score', legacy: '[redacted]', service: '[redacted]' },
      { kind: 'value', path: '[id=1].seen', field: 'seen', legacy: false, service: true },
    ]);
    expect(unexplainedDifferences([[1, 'a']], [[1, 'a']], [[1, 'a']])).toEqual([]);
  });

  it('only known read methods count as reads', () => {
    expect(isReadMethod('search_read')).toBe(true);
    expect(isReadMethod('action_mark_seen')).toBe(false);
    expect(isReadMethod('some_new_method')).toBe(false);
  });

  it('couples modules of one service that reference each other, transitively, and never across services', () => {
    const ref = (fromModule: string, fromModel: string, field: string, toModule: string, toModel: string): ModelReference =>
      ({ kind: 'many2one', fromModule, fromModel, fromTable: null, field, toModule, toModel, toTable: null });
    const links = [
      ref('hp_grab', 'hp.grab.order', 'service_order_id', 'hp_marketplace', 'hp.service.order'),
      ref('hp_dispatch', 'hp.dispatch', 'grab_id', 'hp_grab', 'hp.grab.order'),
      ref('hp_payment', 'hp.payment', 'order_id', 'hp_marketplace', 'hp.service.order'),
    ];
    const plan = (code: string, technicalName: string, service: ModulePlan['module']['service']): ModulePlan => ({
      code, technicalName, service, models: [], tables: [], definition: undefined,
      module: {
        code, technicalName, title: code, service, installed: true, models: [], extensions: [], relationTables: [], tables: [],
        referencesOut: links.filter((l) => l.fromModule === technicalName), referencesIn: links.filter((l) => l.toModule === technicalName),
      },
    });
    const plans = new Map([
      plan('M04', 'hp_marketplace', 'trade'), plan('M20', 'hp_grab', 'trade'), plan('M21', 'hp_dispatch', 'trade'),
      plan('M13', 'hp_payment', 'finance'), plan('M22', 'hp_alone', 'trade'),
    ].map((p) => [p.code, p]));
    expect(couplingOf(plans, 'M04')).toEqual({
      modules: ['M04', 'M20', 'M21'],
      links: ['hp.dispatch.grab_id → hp.grab.order', 'hp.grab.order.service_order_id → hp.service.order'],
    });
    expect(couplingOf(plans, 'M21').modules).toEqual(['M04', 'M20', 'M21']);
    expect(couplingOf(plans, 'M13')).toEqual({ modules: ['M13'], links: [] });
    expect(couplingOf(plans, 'M22')).toEqual({ modules: ['M22'], links: [] });
  });
});
