import finance from '../../services/finance/index.ts';
import type { DrillMountParts } from './drill-stack.ts';
import { serviceMount, type ServiceMount } from './service-mount.ts';

export type FinanceMount = ServiceMount;

/** The finance service as `ficus start` runs it, for a drill stack (service-mount.ts). */
export function financeServiceMount(serviceUrl: string, adminUrl: string, onMounted?: (mount: FinanceMount) => void): (parts: DrillMountParts) => Promise<FinanceMount> {
  return serviceMount(finance, serviceUrl, adminUrl, onMounted);
}
