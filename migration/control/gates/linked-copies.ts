import { forwardSlot, modulePlans, type ModulePlan } from '../module-plan.ts';
import type { Gate } from './gate.ts';

/**
 * The rows a module's links name in another module of the same service are in the service
 * database. A service database copies the tables the service's models point at OUTSIDE the service
 * (the reference sync, sync/reference-tables.ts); tables of its own modules it gets only from their
 * forward syncs. So when modules of one service change owner on their own (a link declared loose,
 * services/kit/odoo/odoo-face.ts looseLinks: hp.qa.question.tag_ids → hp.content.tag), the service
 * can serve a module whose links point at a sibling never backfilled: its copy of the sibling's
 * table is empty, every read of the link names nothing and every write naming a row of it is
 * refused as Odoo's ForeignKeyViolation once the engine stops waiting for the copy
 * (odoo-bridge/orm/write/references/reference-guard.ts). This gate asks, before the service answers
 * any of the module's calls (shadow, canary, cutover), that every such sibling's forward snapshot
 * is done: its rows are in the service database and its forward sync keeps them in step, whatever
 * its phase.
 */
export const linkedCopiesComplete: Gate = {
  name: 'linked modules copied',
  async check(ctx) {
    const plans = await modulePlans(ctx.legacy);
    const siblings = linkedSiblings(plans, ctx.plan);
    if (!siblings.size) return { gate: this.name, ok: true, detail: 'no link to another module of the service' };
    const slots = [...siblings.keys()].map((code) => forwardSlot(code));
    const { rows } = await ctx.service
      .query<{ source: string; done: boolean | null }>(`SELECT source, (position->>'snapshotDone')::boolean AS done FROM ficus_cdc.checkpoint WHERE source = ANY($1)`, [slots])
      .catch(() => ({ rows: [] as { source: string; done: boolean | null }[] }));
    const copied = (code: string) => rows.some((r) => r.source === forwardSlot(code) && r.done === true);
    const missing = [...siblings].filter(([code]) => !copied(code));
    return {
      gate: this.name,
      ok: missing.length === 0,
      detail: missing.length
        ? missing.map(([code, links]) => `${links.join(', ')}: ${code} is not backfilled into ${ctx.plan.service}, so ${ctx.plan.code}'s links name rows its database lacks; run \`ficus migrate backfill ${code}\` first`).join('; ')
        : `${[...siblings].map(([code, links]) => `${code} copied (${links.join(', ')})`).join('; ')}`,
    };
  },
};

/**
 * The other modules of `plan`'s service its stored many2one/many2many links declared loose point
 * at, with the links (`model.field → model`). A link that is not loose ties the two modules: they
 * change owner together (coupled-modules.ts), and the coupling gate speaks for it.
 */
export function linkedSiblings(plans: ReadonlyMap<string, ModulePlan>, plan: ModulePlan): Map<string, string[]> {
  const byTechnicalName = new Map([...plans.values()].map((p) => [p.technicalName, p]));
  const loose = new Set((plan.definition?.odoo?.looseLinks ?? []).map((l) => l.link));
  const siblings = new Map<string, string[]>();
  for (const r of plan.module.referencesOut) {
    if (r.kind === 'polymorphic' || !loose.has(`${r.fromModel}.${r.field}`)) continue;
    const to = byTechnicalName.get(r.toModule);
    if (!to || to.code === plan.code || to.service !== plan.service) continue;
    siblings.set(to.code, [...(siblings.get(to.code) ?? []), `${r.fromModel}.${r.field} → ${r.toModel}`]);
  }
  return siblings;
}
