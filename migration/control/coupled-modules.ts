import type { ModulePlan } from './module-plan.ts';

/** A group of one service's modules that must change owner in one freeze, and the links that tie them. */
export interface ModuleCoupling {
  modules: string[];
  /**
   * `hp.grab.order.service_order_id → hp.service.order`, one per stored link inside the group,
   * and `M14 + M15 declared: <because>` for each tie the service's definition declares.
   */
  links: string[];
}

/**
 * Modules of the same service whose models reference each other (either way, transitively)
 * change owner together: stepped one by one, in between one owner would decide on records of
 * the other (M20's grab assigning an M04 order trade already owns, or pointing at one that
 * reverse sync has not brought over yet). Modules of other services never join a group: their
 * links cross the cut by design, through sync and commands.
 *
 * References only tie what the rows show: a polymorphic pair (`ref_model`/`ref_id`) is known
 * from its distinct values, so a ledger with no gift rows yet shows no link to gift orders,
 * although every gift order debits the ledger in its own transaction. Such ties are declared by
 * the service (`odoo.movesTogether`) and join the group the same way. The reverse, a stored link
 * that only names a record (an alert about a rating), is declared loose (`odoo.looseLinks`) and
 * ties nothing.
 */
export function couplingOf(plans: ReadonlyMap<string, ModulePlan>, code: string): ModuleCoupling {
  const start = plans.get(code);
  if (!start) throw new Error(`unknown module '${code}'`);
  const sameService = [...plans.values()].filter((p) => p.service === start.service);
  const byTechnicalName = new Map(sameService.map((p) => [p.technicalName, p]));
  const byCode = new Map(sameService.map((p) => [p.code, p]));
  const declared = declaredTies(sameService);
  const loose = looseLinks(sameService);
  const members = new Set([start.code]);
  const links = new Set<string>();
  const join = (group: readonly (ModulePlan | undefined)[]): boolean => {
    let grew = false;
    for (const p of group) {
      if (p && !members.has(p.code)) {
        members.add(p.code);
        grew = true;
      }
    }
    return grew;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const plan of sameService.filter((p) => members.has(p.code))) {
      for (const r of [...plan.module.referencesOut, ...plan.module.referencesIn]) {
        const from = byTechnicalName.get(r.fromModule);
        const to = byTechnicalName.get(r.toModule);
        if (!from || !to || loose.has(`${r.fromModel}.${r.field}`)) continue;
        links.add(`${r.fromModel}.${r.field} → ${r.toModel}`);
        if (join([from, to])) grew = true;
      }
    }
    for (const tie of declared) {
      if (!tie.modules.some((m) => members.has(m))) continue;
      links.add(`${tie.modules.join(' + ')} declared: ${tie.because}`);
      if (join(tie.modules.map((m) => byCode.get(m)))) grew = true;
    }
  }
  return { modules: [...members].sort(), links: [...links].sort() };
}

/** The links the service's definition declares loose (they name a record, never act on it), once per service. */
function looseLinks(sameService: readonly ModulePlan[]): ReadonlySet<string> {
  const definition = sameService.find((p) => p.definition)?.definition;
  return new Set((definition?.odoo?.looseLinks ?? []).map((l) => l.link));
}

/** The ties the service's definition declares, once per service (every module's plan carries the same definition). */
function declaredTies(sameService: readonly ModulePlan[]): readonly { modules: readonly string[]; because: string }[] {
  const definition = sameService.find((p) => p.definition)?.definition;
  return definition?.odoo?.movesTogether ?? [];
}
