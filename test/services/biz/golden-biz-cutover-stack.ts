import { dropServiceSlots, startServiceCutoverStack, type ServiceStack } from '../../support/service-cutover-stack.ts';

/** hp_workbench, hp_live, hp_community_biz: each changes owner on its own (no movesTogether). */
export const BIZ_MODULES = ['M03', 'M07', 'M08'] as const;

/** The lock every test of the shared cluster running M03/M07/M08's syncs holds (test/support/module-sync-lock.ts). */
export const BIZ_SYNC_LOCK = 'biz M03 M07 M08';

export const dropBizSlots = (): Promise<void> => dropServiceSlots('biz', BIZ_MODULES);

/**
 * A fresh legacy copy with M03, M07 and M08 moved to biz the way the migration team does it: the
 * running stack of `ficus start` (gateway, phase routing, syncs), then `backfill`, a forced
 * `shadow` and `cutover` of each module. Every other module stays in phase legacy, answered by the
 * gateway's engine over the legacy database (no upstream Odoo).
 */
export function startBizCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'biz', modules: BIZ_MODULES, lock: BIZ_SYNC_LOCK });
}
