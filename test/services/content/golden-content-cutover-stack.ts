import { dropServiceSlots, startServiceCutoverStack, type ServiceStack } from '../../support/service-cutover-stack.ts';

/** hp_knowledge, hp_community and hp_qa: each changes owner on its own (no movesTogether). */
export const CONTENT_MODULES = ['M06', 'M11', 'M12'] as const;

/** The lock every test of the shared cluster running M06/M11/M12's syncs holds (test/support/module-sync-lock.ts). */
export const CONTENT_SYNC_LOCK = 'content M06 M11 M12';

export const dropContentSlots = (): Promise<void> => dropServiceSlots('content', CONTENT_MODULES);

/**
 * A fresh legacy copy with M06, M11 and M12 moved to content the way the migration team does it:
 * the running stack of `ficus start` (gateway, phase routing, syncs), then `backfill`, a forced
 * `shadow` and `cutover` of each module. Every other module (M08's community groups that posts
 * point at included) stays in phase legacy, answered by the gateway's engine over the legacy
 * database (no upstream Odoo).
 */
export function startContentCutoverStack(): Promise<ServiceStack> {
  return startServiceCutoverStack({ service: 'content', modules: CONTENT_MODULES, lock: CONTENT_SYNC_LOCK });
}
