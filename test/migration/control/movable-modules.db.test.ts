import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationController } from '../../../migration/control/controller.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { loadModulePlans, movableService } from '../../../migration/control/module-plan.ts';
import { readPhase } from '../../../migration/control/store/phase-store.ts';
import { loadService, loadServiceRoster, SERVICE_CATALOG } from '../../../services/catalog.ts';
import { defineService, type OdooFace, type ServiceDefinition } from '../../../services/kit/index.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { couplingOf } from '../../../migration/control/coupled-modules.ts';

/** M02 (hp_personal) as the legacy database has it: what a user service would declare. */
const M02_MODELS: OdooFace['models'] = [
  { model: 'hp.assessment', table: 'assessments', module: 'M02' },
  { model: 'hp.device.binding', table: 'device_bindings', module: 'M02' },
  { model: 'hp.health.goal', table: 'health_goals', module: 'M02' },
  { model: 'hp.health.record', table: 'health_records', module: 'M02' },
];

const userService = (odoo?: Partial<OdooFace>): ServiceDefinition =>
  defineService({
    name: 'user',
    modules: ['M02'],
    publishes: [],
    routes: [],
    subscriptions: [],
    migrations: [],
    ...(odoo
      ? { odoo: { models: M02_MODELS, behaviours: (r) => r, businessMethods: { 'hp.health.goal': ['action_abandon'] }, legacyBehaviours: (r) => r, ...odoo } }
      : {}),
  });

/** The real catalogue with `user` built from the given definition. */
const catalogueWith = (user: ServiceDefinition) => loadServiceRoster({ ...SERVICE_CATALOG, user: { load: async () => user } });

describe('a module can move when, and only when, its service definition declares an Odoo face', () => {
  let legacy: TestDatabase;
  let control: TestDatabase;
  const endpoints = () => embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url });
  const controllers: MigrationController[] = [];
  const open = async (user?: ServiceDefinition) => {
    const controller = await MigrationController.open(endpoints(), user ? { services: await catalogueWith(user) } : {});
    controllers.push(controller);
    return controller;
  };

  beforeAll(async () => {
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
  }, 120_000);
  afterAll(async () => {
    for (const c of controllers) await c.close();
    await control?.drop();
    await legacy?.drop();
  });

  it('today: every module is movable, served as its service declares; a planned service\'s module is refused by name', async () => {
    const plans = await loadModulePlans(legacy.pool);
    expect([...plans.values()].filter((p) => movableService(p)).map((p) => p.code)).toEqual(['M01', 'M02', 'M03', 'M04', 'M05', 'M06', 'M07', 'M08', 'M09', 'M10', 'M11', 'M12', 'M13', 'M14', 'M15', 'M16', 'M17', 'M18', 'M19', 'M20']);
    // Ops's alerts name hp.rating records in the seed (rule RATING_LOW), a link ops declares loose: M05 and M18 move on their own.
    expect(couplingOf(plans, 'M05').modules).toEqual(['M05']);
    expect(couplingOf(plans, 'M18')).toEqual({ modules: ['M18'], links: [] });
    const trade = movableService(plans.get('M04')!)!;
    expect(trade.name).toBe('trade');
    expect(plans.get('M04')!.models.map((m) => m.model).sort()).toEqual(trade.odoo.models.filter((m) => m.module === 'M04').map((m) => m.model).sort());

    // With content back to planned in the catalogue, its modules are refused by name.
    const planned = await loadServiceRoster({ ...SERVICE_CATALOG, content: { planned: ['M06', 'M11', 'M12'] } });
    const controller = await MigrationController.open(endpoints(), { services: planned });
    controllers.push(controller);
    await expect(controller.shadow('M06')).rejects.toThrow('M06 (hp_knowledge) cannot move: service content is not built yet (services/catalog.ts lists it as planned)');
    await expect(controller.backfill('hp_qa')).rejects.toThrow(/^M12 \(hp_qa\) cannot move: service content is not built yet/);
    expect((await readPhase(controller.control, 'M06')).phase).toBe('legacy');
    // A module that cannot move still has a plan to look at; M02's business methods are the user service's now.
    expect((await controller.planReport('M06')).module).toBe('M06');
    expect((await controller.planReport('M02')).businessMethods).toContainEqual({ method: 'hp.health.goal.action_abandon', provided: true });
    await expect(loadService('nothing')).rejects.toThrow('unknown service nothing (available: auth, user, dynamic, trade, content, biz, ec, finance, ops, ai)');
  });

  it('a built service without an Odoo face keeps its modules in Odoo, with a message that says what is missing', async () => {
    const controller = await open(userService());
    await expect(controller.shadow('M02')).rejects.toThrow(
      'M02 (hp_personal) cannot move: service user declares no Odoo face (the models it serves, their behaviours and business methods: `odoo` in services/user/index.ts)',
    );
    await expect(controller.cutover('M02')).rejects.toThrow(/declares no Odoo face/);
    expect((await readPhase(controller.control, 'M02')).phase).toBe('legacy');
  });

  it('the definition alone makes its module movable: its models and business methods drive the plan, and the phase moves', async () => {
    const controller = await open(userService({}));
    const plan = await controller.plan('m2');
    expect(movableService(plan)?.name).toBe('user');
    const report = await controller.planReport('M02');
    expect(report.businessMethods).toEqual(
      expect.arrayContaining([
        { method: 'hp.health.goal.action_abandon', provided: true },
        { method: 'hp.health.goal.action_record_progress', provided: false },
      ]),
    );
    // Nothing is backfilled, so the gates refuse; forced, the step is taken (movability is not a gate to force).
    await expect(controller.shadow('M02')).rejects.toThrow(/shadow of M02 refused: backfill complete/);
    const step = await controller.shadow('M02', { force: true, reason: 'test: definition-driven plan', actor: 'test' });
    expect(step).toMatchObject({ ok: true, from: 'legacy', to: 'shadow', forced: true });
    expect((await readPhase(controller.control, 'M02')).phase).toBe('shadow');
    expect(await controller.rollback('M02', { actor: 'test' })).toMatchObject({ ok: true, from: 'shadow', to: 'legacy' });
  });

  it('a definition that disagrees with the legacy database about its models stops the plan, naming the difference', async () => {
    const wrongTable = userService({ models: M02_MODELS.map((m) => (m.model === 'hp.health.goal' ? { ...m, table: 'goals' } : m)) });
    await expect(loadModulePlans(legacy.pool, await catalogueWith(wrongTable))).rejects.toThrow(
      'service user serves hp.health.goal from table goals, but the legacy database keeps it in health_goals',
    );
    const missing = userService({ models: M02_MODELS.filter((m) => m.model !== 'hp.assessment') });
    await expect(loadModulePlans(legacy.pool, await catalogueWith(missing))).rejects.toThrow(
      'M02 (hp_personal) creates hp.assessment (table assessments), which service user does not serve',
    );
    const extra = userService({ models: [...M02_MODELS, { model: 'hp.points.transaction', table: 'points_transactions', module: 'M02' }] });
    await expect(loadModulePlans(legacy.pool, await catalogueWith(extra))).rejects.toThrow(
      'service user serves hp.points.transaction as part of M02, but M02 (hp_personal) does not create it',
    );
  });

  it('the catalogue refuses a module claimed by two services, and defineService a face serving a model of a module it does not take', async () => {
    await expect(loadServiceRoster({ ...SERVICE_CATALOG, user: { load: async () => ({ ...userService(), modules: ['M04'] }) } })).rejects.toThrow(
      'services/catalog.ts: M04 is taken over by both user and trade',
    );
    expect(() => userService({ models: [...M02_MODELS, { model: 'hp.auth.token', table: 'auth_tokens', module: 'M01' }] })).toThrow(
      'service user: Odoo model hp.auth.token belongs to M01, which is not one of its modules (M02)',
    );
  });
});
