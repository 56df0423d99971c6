import { describe, expect, it } from 'vitest';
import { couplingOf } from '../../../migration/control/coupled-modules.ts';
import type { ModulePlan } from '../../../migration/control/module-plan.ts';
import type { ModelReference } from '../../../migration/modules/types.ts';
import { defineService, type ServiceDefinition } from '../../../services/kit/index.ts';
import type { ModuleTie } from '../../../services/kit/index.ts';
import financeService from '../../../services/finance/index.ts';

const FINANCE_MODELS = [
  { model: 'hp.payment', table: 'payments', module: 'M13' },
  { model: 'hp.points.transaction', table: 'points_transactions', module: 'M14' },
  { model: 'hp.gift.order', table: 'gift_orders', module: 'M15' },
] as const;

const GIFT_DEBITS_LEDGER: ModuleTie = { modules: ['M14', 'M15'], because: 'hp.gift.order.create debits hp.points.transaction in its transaction' };

function finance(movesTogether?: readonly ModuleTie[]): ServiceDefinition {
  return defineService({
    name: 'finance', modules: ['M13', 'M14', 'M15'], publishes: [], routes: [], subscriptions: [], migrations: [],
    odoo: {
      models: FINANCE_MODELS, behaviours: (r) => r, legacyBehaviours: (r) => r, businessMethods: {},
      ...(movesTogether ? { movesTogether } : {}),
    },
  });
}

/** Plans of finance's modules (and trade's M04), with only the links given: a fresh database's ledger holds no gift row. */
function plans(definition: ServiceDefinition | undefined, links: ModelReference[] = []): Map<string, ModulePlan> {
  const plan = (code: string, technicalName: string, service: 'finance' | 'trade'): ModulePlan => ({
    code, technicalName, service, models: [], tables: [], definition: service === 'finance' ? definition : undefined,
    module: {
      code, technicalName, title: code, service, installed: true, models: [], extensions: [], relationTables: [], tables: [],
      referencesOut: links.filter((l) => l.fromModule === technicalName), referencesIn: links.filter((l) => l.toModule === technicalName),
    },
  });
  return new Map([plan('M13', 'hp_payment', 'finance'), plan('M14', 'hp_points', 'finance'), plan('M15', 'hp_gift', 'finance'), plan('M04', 'hp_marketplace', 'trade')].map((p) => [p.code, p]));
}

const polymorphic = (fromModule: string, fromModel: string, field: string, toModule: string, toModel: string): ModelReference =>
  ({ kind: 'polymorphic', fromModule, fromModel, fromTable: null, field, toModule, toModel, toTable: null });

describe('declared coupling (odoo.movesTogether)', () => {
  it('ties M14 and M15 when no row links them yet, from either side, and leaves M13 alone', () => {
    const declared = plans(finance([GIFT_DEBITS_LEDGER]));
    const expected = { modules: ['M14', 'M15'], links: ['M14 + M15 declared: hp.gift.order.create debits hp.points.transaction in its transaction'] };
    expect(couplingOf(declared, 'M15')).toEqual(expected);
    expect(couplingOf(declared, 'M14')).toEqual(expected);
    // Payments pay other services' documents (service, mall and content orders): nothing of M14/M15.
    expect(couplingOf(declared, 'M13')).toEqual({ modules: ['M13'], links: [] });
  });

  it('without the declaration only rows tie them: an empty ledger leaves M15 free to move alone (what the declaration prevents)', () => {
    expect(couplingOf(plans(finance()), 'M15')).toEqual({ modules: ['M15'], links: [] });
    const withGiftRows = plans(finance(), [polymorphic('hp_points', 'hp.points.transaction', 'ref_model/ref_id', 'hp_gift', 'hp.gift.order')]);
    expect(couplingOf(withGiftRows, 'M15').modules).toEqual(['M14', 'M15']);
  });

  it('a declared tie and stored links add up, transitively, and never reach another service', () => {
    const links = [
      polymorphic('hp_payment', 'hp.payment', 'source_model/source_id', 'hp_gift', 'hp.gift.order'),
      polymorphic('hp_payment', 'hp.payment', 'source_model/source_id', 'hp_marketplace', 'hp.service.order'),
    ];
    const coupling = couplingOf(plans(finance([GIFT_DEBITS_LEDGER]), links), 'M14');
    expect(coupling.modules).toEqual(['M13', 'M14', 'M15']);
    expect(coupling.links).toEqual([
      'M14 + M15 declared: hp.gift.order.create debits hp.points.transaction in its transaction',
      'hp.payment.source_model/source_id → hp.gift.order',
    ]);
  });

  it("finance's own definition moves M13, M14 and M15 as one, whatever the rows show", () => {
    const coupling = couplingOf(plans(financeService), 'M15');
    expect(coupling.modules).toEqual(['M13', 'M14', 'M15']);
    expect(coupling.links).toEqual([
      expect.stringMatching(/^M13 \+ M14 declared: /),
      expect.stringMatching(/^M14 \+ M15 declared: hp\.gift\.order\.create debits hp\.points\.transaction/),
    ]);
    expect(couplingOf(plans(financeService), 'M13').modules).toEqual(['M13', 'M14', 'M15']);
  });

  it('defineService refuses a tie that names a module of another service, a single module or no reason', () => {
    expect(() => finance([{ modules: ['M14', 'M04'], because: 'x' }])).toThrow('service finance: movesTogether M14 + M04: M04 is not one of its modules (M13, M14, M15)');
    expect(() => finance([{ modules: ['M14', 'M14'], because: 'x' }])).toThrow('names fewer than two modules');
    expect(() => finance([{ modules: ['M14', 'M15'], because: ' ' }])).toThrow('gives no reason');
  });

  it("a link declared loose ties nothing, while the other links still tie (ops: an alert naming a rating)", () => {
    const alertNamesRating = polymorphic('hp_payment', 'hp.payment', 'source_model/source_id', 'hp_gift', 'hp.gift.order');
    const loose = defineService({
      name: 'finance', modules: ['M13', 'M14', 'M15'], publishes: [], routes: [], subscriptions: [], migrations: [],
      odoo: {
        models: FINANCE_MODELS, behaviours: (r) => r, legacyBehaviours: (r) => r, businessMethods: {},
        looseLinks: [{ link: 'hp.payment.source_model/source_id', because: 'test: a payment that only names its source' }],
      },
    });
    expect(couplingOf(plans(loose, [alertNamesRating]), 'M13')).toEqual({ modules: ['M13'], links: [] });
    expect(couplingOf(plans(finance(), [alertNamesRating]), 'M13').modules).toEqual(['M13', 'M15']);
    const ledgerNamesGift = polymorphic('hp_points', 'hp.points.transaction', 'ref_model/ref_id', 'hp_gift', 'hp.gift.order');
    expect(couplingOf(plans(loose, [alertNamesRating, ledgerNamesGift]), 'M15').modules).toEqual(['M14', 'M15']);
  });

  it('refuses a loose link from a model the service does not serve, or without a reason', () => {
    const define = (link: string, because: string) => () =>
      defineService({
        name: 'finance', modules: ['M13', 'M14', 'M15'], publishes: [], routes: [], subscriptions: [], migrations: [],
        odoo: { models: FINANCE_MODELS, behaviours: (r) => r, legacyBehaviours: (r) => r, businessMethods: {}, looseLinks: [{ link, because }] },
      });
    expect(define('hp.service.order.x_model/x_id', 'a reason')).toThrow(/starts from no model it serves/);
    expect(define('hp.payment.source_model/source_id', ' ')).toThrow(/gives no reason/);
  });
});
