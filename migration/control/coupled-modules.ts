import type { ModulePlan } from './module-plan.ts';

/** A group of one service's modules that must change owner in one freeze, and the links that tie them. */
export interface ModuleCoupling {
  modules: string[];
  /** `hp.grab.order.order_id → hp.service.order`, one per link inside the group. */
  links: string[];
}

/**
 * Modules of the same service whose models reference each other (either way, transitively)
 * change owner together: stepped one by one, in between one owner would decide on records of
 * the other (M20's grab assigning an M04 order trade already owns, or pointing at one that
 * reverse sync has not brought over yet). Modules of other services never join a group: their
 * links cross the cut by design, through sync and commands.
 */
export function couplingOf(plans: ReadonlyMap<string, ModulePlan>, code: string): ModuleCoupling {
  const start = plans.get(code);
  if (!start) throw new Error(`unknown module '${code}'`);
  const sameService = [...plans.values()].filter((p) => p.service === start.service);
  const byTechnicalName = new Map(sameService.map((p) => [p.technicalName, p]));
  const members = new Set([start.code]);
  const links = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const plan of sameService.filter((p) => members.has(p.code))) {
      for (const r of [...plan.module.referencesOut, ...plan.module.referencesIn]) {
        const from = byTechnicalName.get(r.fromModule);
        const to = byTechnicalName.get(r.toModule);
        if (!from || !to) continue;
        links.add(`${r.fromModel}.${r.field} → ${r.toModel}`);
        for (const p of [from, to]) {
          if (!members.has(p.code)) {
            members.add(p.code);
            grew = true;
          }
        }
      }
    }
  }
  return { modules: [...members].sort(), links: [...links].sort() };
}
