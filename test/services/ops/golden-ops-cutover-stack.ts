import { startServiceCutoverStack, type ServiceStack } from '../../support/service-cutover-stack.ts';

/** hp_growth, hp_operations, hp_risk: each changes owner on its own (no movesTogether). */
export const OPS_MODULES = ['M05', 'M17', 'M18'] as const;

/** The lock every test of the shared cluster running M05/M17/M18's syncs holds (test/support/module-sync-lock.ts). */
export const OPS_SYNC_LOCK = 'ops M05 M17 M18';

/**
 * A fresh legacy copy with M05, M17 and M18 moved to ops the way the migration team does it: the
 * running stack of `ficus start` (gateway, phase routing, syncs), then `backfill`, a forced
 * `shadow` and `cutover` of each module. Every other module stays in phase legacy, answered by the
 * gateway's engine over the legacy database (no upstream Odoo).
 */
export function startOpsCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'ops', modules: OPS_MODULES, lock: OPS_SYNC_LOCK });
}
