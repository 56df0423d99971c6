import { databaseUrlOn, serviceDatabaseName } from '../reconcile/targets.ts';
import type { ServiceName } from '../modules/module-map.ts';
import { DEFAULT_ADDONS_PATH } from './gates/business-methods.ts';

/** Where the control plane finds its databases. */
export interface ControlEndpoints {
  controlUrl: string;
  legacyUrl: string;
  /** The database of a service (svc_<service> on the legacy cluster unless overridden). */
  serviceUrlFor(service: string): string;
  addonsPath: string;
  redisUrl?: string;
}

export function embeddedEndpoints(options: { controlUrl: string; legacyUrl: string; serviceUrls?: Record<string, string>; addonsPath?: string; redisUrl?: string }): ControlEndpoints {
  return {
    controlUrl: options.controlUrl,
    legacyUrl: options.legacyUrl,
    serviceUrlFor: (service) => options.serviceUrls?.[service] ?? databaseUrlOn(options.legacyUrl, serviceDatabaseName(service as ServiceName)),
    addonsPath: options.addonsPath ?? DEFAULT_ADDONS_PATH,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
  };
}
