import type pg from 'pg';
import { loadServiceRoster, type ServiceRoster } from '../../services/catalog.ts';
import { hasOdooFace, type ServiceDefinition, type ServiceWithOdooFace } from '../../services/kit/index.ts';
import { loadModuleRegistry, servedModelMismatches, type RegisteredModule } from '../modules/index.ts';

/** What the control plane needs to know of one module: read from the legacy database, served as its service's definition says. */
export interface ModulePlan {
  code: string;
  technicalName: string;
  service: string;
  /** Odoo model → legacy table, for models with a table. */
  models: { model: string; table: string }[];
  tables: string[];
  module: RegisteredModule;
  /** The service's definition, once the service is built (services/catalog.ts). */
  definition: ServiceDefinition<any> | undefined;
}

const cache = new WeakMap<pg.Pool, Promise<Map<string, ModulePlan>>>();

/**
 * Every module's plan from the legacy database's registry and the services' definitions. A
 * definition that disagrees with the legacy database about its modules' models stops it: the
 * gateway would route those models wrongly.
 */
export async function loadModulePlans(legacy: pg.Pool, roster?: ServiceRoster): Promise<Map<string, ModulePlan>> {
  const services = roster ?? (await loadServiceRoster());
  const registry = await loadModuleRegistry(legacy, { services });
  const problems = servedModelMismatches(registry, services.definitions());
  if (problems.length) throw new Error(`service definitions disagree with the legacy database: ${problems.join('; ')}`);
  const plans = new Map<string, ModulePlan>();
  for (const m of registry.modules) {
    plans.set(m.code, {
      code: m.code,
      technicalName: m.technicalName,
      service: m.service,
      models: m.models.filter((x) => x.table).map((x) => ({ model: x.model, table: x.table! })),
      tables: m.tables,
      module: m,
      definition: services.serviceOfModule(m.code)?.definition,
    });
  }
  return plans;
}

/** Every module's plan, keyed by code (M19); loaded once per legacy pool. */
export function modulePlans(legacy: pg.Pool): Promise<Map<string, ModulePlan>> {
  let plans = cache.get(legacy);
  if (!plans) {
    plans = loadModulePlans(legacy);
    cache.set(legacy, plans);
    plans.catch(() => cache.delete(legacy));
  }
  return plans;
}

/** The module's service, when its definition declares an Odoo face: only then can the module move. */
export function movableService(plan: ModulePlan): ServiceWithOdooFace | undefined {
  return plan.definition && hasOdooFace(plan.definition) ? plan.definition : undefined;
}

/** The module's service with its Odoo face, or the reason the module cannot leave Odoo. */
export function serviceTakingOver(plan: ModulePlan): ServiceWithOdooFace {
  const service = movableService(plan);
  if (service) return service;
  const why = plan.definition
    ? `service ${plan.service} declares no Odoo face (the models it serves, their behaviours and business methods: \`odoo\` in services/${plan.service}/index.ts)`
    : `service ${plan.service} is not built yet (services/catalog.ts lists it as planned)`;
  throw new ModuleNotMovable(plan.code, `${plan.code} (${plan.technicalName}) cannot move: ${why}`);
}

export class ModuleNotMovable extends Error {
  constructor(readonly module: string, message: string) {
    super(message);
    this.name = 'ModuleNotMovable';
  }
}

/** `M19`, `m19` or `hp_feed` → the plan; throws with the known names otherwise. */
export async function modulePlan(legacy: pg.Pool, nameOrCode: string): Promise<ModulePlan> {
  return findPlan(await modulePlans(legacy), nameOrCode);
}

/** `M19`, `m19` or `hp_feed` among loaded plans; throws with the known names otherwise. */
export function findPlan(plans: ReadonlyMap<string, ModulePlan>, nameOrCode: string): ModulePlan {
  const wanted = nameOrCode.trim();
  const upper = wanted.toUpperCase().replace(/^M(\d)$/, 'M0$1');
  const found = plans.get(upper) ?? [...plans.values()].find((p) => p.technicalName === wanted);
  if (!found) throw new Error(`unknown module '${nameOrCode}' (known: ${[...plans.keys()].join(', ')})`);
  return found;
}

/** Slot/origin-safe short name of a module: `m19`. */
export function moduleSlug(code: string): string {
  return code.toLowerCase();
}

export const forwardSlot = (code: string) => `ficus_fwd_${moduleSlug(code)}`;
export const reverseSlot = (code: string) => `ficus_rev_${moduleSlug(code)}`;
export const referenceSlot = (service: string) => `ficus_ref_${service}`;
