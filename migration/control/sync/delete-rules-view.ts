import type pg from 'pg';
import { SERVICE_NAMES } from '../../../services/kit/index.ts';
import { modulePlans } from '../module-plan.ts';
import { readInstalledDeleteRules } from './delete-rule-triggers.ts';
import { ACTING_DELETE_ACTIONS, countByAction, deriveDeleteRules, type DeleteAction, type DeleteRule } from './delete-rules.ts';

/** `ficus migrate delete-rules <service>`: the monolith's keys crossing the service's cut, and whether its database carries each. */
export interface DeleteRulesView {
  service: string;
  counts: Record<DeleteAction, number>;
  /** Whether the service database exists yet (its first backfill provisions it). */
  provisioned: boolean;
  rules: (DeleteRule & { carried: 'yes' | 'no' | 'not acting' })[];
}

export async function deleteRulesView(legacy: pg.Pool, servicePool: (service: string) => pg.Pool, service: string): Promise<DeleteRulesView> {
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) throw new Error(`unknown service '${service}' (known: ${SERVICE_NAMES.join(', ')})`);
  const rules = await deriveDeleteRules(legacy, await modulePlans(legacy), service);
  let installed: Awaited<ReturnType<typeof readInstalledDeleteRules>> | null = null;
  try {
    installed = await readInstalledDeleteRules(servicePool(service));
  } catch (error) {
    // 3D000: the database does not exist yet.
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const carried = (rule: DeleteRule) =>
    !ACTING_DELETE_ACTIONS.includes(rule.action) ? ('not acting' as const)
      : installed?.some((r) => r.references === rule.references && r.table === rule.table && r.action === rule.action && r.columns.join() === rule.columns.join()) ? ('yes' as const) : ('no' as const);
  return { service, counts: countByAction(rules), provisioned: installed !== null, rules: rules.map((rule) => ({ ...rule, carried: carried(rule) })) };
}

export function renderDeleteRules(view: DeleteRulesView): string {
  const counts = Object.entries(view.counts).filter(([, n]) => n > 0).map(([action, n]) => `${n} ${action}`).join(', ') || 'none';
  const lines = [`${view.service}: ${view.rules.length} foreign keys of the monolith cross the cut (${counts})${view.provisioned ? '' : '; the service database is not provisioned yet'}`];
  for (const r of view.rules) {
    const held = r.heldAs.kind === 'module' ? `${r.heldAs.module}'s table` : 'reference copy';
    const state = r.carried === 'not acting' ? 'refused on the monolith; reconcile shows a row left naming it' : r.carried === 'yes' ? 'carried' : 'NOT carried';
    lines.push(`  ${r.module} ${r.table}(${r.columns.join(', ')}) -> ${r.references} [${held}] on delete ${r.action}: ${state}`);
  }
  return `${lines.join('\n')}\n`;
}
