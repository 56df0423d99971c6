import type pg from 'pg';
import { loadModuleRegistry, type RegisteredModule } from '../modules/index.ts';

/** What the control plane needs to know of one module, read from the legacy database. */
export interface ModulePlan {
  code: string;
  technicalName: string;
  service: string;
  /** Odoo model → legacy table, for models with a table. */
  models: { model: string; table: string }[];
  tables: string[];
  module: RegisteredModule;
}

const cache = new WeakMap<pg.Pool, Promise<Map<string, ModulePlan>>>();

async function loadPlans(legacy: pg.Pool): Promise<Map<string, ModulePlan>> {
  const registry = await loadModuleRegistry(legacy);
  const plans = new Map<string, ModulePlan>();
  for (const m of registry.modules) {
    plans.set(m.code, {
      code: m.code,
      technicalName: m.technicalName,
      service: m.service,
      models: m.models.filter((x) => x.table).map((x) => ({ model: x.model, table: x.table! })),
      tables: m.tables,
      module: m,
    });
  }
  return plans;
}

/** Every module's plan, keyed by code (M19); loaded once per legacy pool. */
export function modulePlans(legacy: pg.Pool): Promise<Map<string, ModulePlan>> {
  let plans = cache.get(legacy);
  if (!plans) {
    plans = loadPlans(legacy);
    cache.set(legacy, plans);
    plans.catch(() => cache.delete(legacy));
  }
  return plans;
}

/** `M19`, `m19` or `hp_feed` → the plan; throws with the known names otherwise. */
export async function modulePlan(legacy: pg.Pool, nameOrCode: string): Promise<ModulePlan> {
  const plans = await modulePlans(legacy);
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
