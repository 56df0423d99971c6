import { dropServiceSlots, startServiceCutoverStack, type ServiceStack } from '../../support/service-cutover-stack.ts';

/** hp_ai: M16 changes owner alone. */
export const AI_MODULES = ['M16'] as const;

/** The lock every test of the shared cluster running M16's syncs holds (test/support/module-sync-lock.ts). */
export const AI_SYNC_LOCK = 'ai M16';

export const dropAiSlots = (): Promise<void> => dropServiceSlots('ai', AI_MODULES);

/**
 * A fresh legacy copy with M16 moved to ai the way the migration team does it: the running stack
 * of `ficus start` (gateway, phase routing, syncs), then `backfill`, a forced `shadow` and
 * `cutover`. Every other module stays in phase legacy, answered by the gateway's engine over the
 * legacy database (no upstream Odoo).
 */
export function startAiCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'ai', modules: AI_MODULES, lock: AI_SYNC_LOCK });
}
