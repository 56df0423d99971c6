import type { ServiceDefinition } from '../services/kit/define-service.ts';

/**
 * The services this build has, loaded on demand. The runtime is the one place that knows them
 * all (a service never imports another, and the kit imports none).
 */
export const SERVICE_CATALOG: Record<string, () => Promise<ServiceDefinition<any>>> = {
  trade: async () => (await import('../services/trade/index.ts')).default,
  dynamic: async () => (await import('../services/dynamic/index.ts')).default,
};

export async function loadAllServices(): Promise<ServiceDefinition<any>[]> {
  return Promise.all(Object.values(SERVICE_CATALOG).map((load) => load()));
}
