import { dropServiceSlots, startServiceCutoverStack, type ServiceStack } from '../../support/service-cutover-stack.ts';

/** hp_mall and hp_ads: each changes owner on its own (no movesTogether). */
export const EC_MODULES = ['M09', 'M10'] as const;

/** The lock every test of the shared cluster running M09/M10's syncs holds (test/support/module-sync-lock.ts). */
export const EC_SYNC_LOCK = 'ec M09 M10';

export const dropEcSlots = (): Promise<void> => dropServiceSlots('ec', EC_MODULES);

/**
 * A fresh legacy copy with M09 and M10 moved to ec the way the migration team does it: the running
 * stack of `ficus start` (gateway, phase routing, syncs), then `backfill`, a forced `shadow` and
 * `cutover` of each module. Every other module stays in phase legacy, answered by the gateway's
 * engine over the legacy database (no upstream Odoo).
 */
export function startEcCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'ec', modules: EC_MODULES, lock: EC_SYNC_LOCK });
}
