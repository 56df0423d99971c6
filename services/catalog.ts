import { SERVICE_NAMES, type ModuleId, type ServiceDefinition, type ServiceName } from './kit/index.ts';

/** A built service: its definition (services/<name>/index.ts), loaded on demand. */
interface BuiltService {
  load(): Promise<ServiceDefinition<any>>;
}
/** A service still to be built: the Odoo modules it will take over (DESIGN §5 seed map). Its modules stay in Odoo. */
interface PlannedService {
  planned: readonly ModuleId[];
}

/**
 * The one catalogue of services, one line each: the runtime (`ficus start`, `ficus serve`) and
 * the migration control plane learn every service from here and everything else about it from
 * its definition. Building a service means adding its folder and turning its line into
 * `{ load: … }`. A service never imports another; only this file knows them all.
 */
export const SERVICE_CATALOG: Readonly<Record<ServiceName, BuiltService | PlannedService>> = {
  auth: { load: async () => (await import('./auth/index.ts')).default },
  user: { load: async () => (await import('./user/index.ts')).default },
  dynamic: { load: async () => (await import('./dynamic/index.ts')).default },
  trade: { load: async () => (await import('./trade/index.ts')).default },
  content: { load: async () => (await import('./content/index.ts')).default },
  biz: { load: async () => (await import('./biz/index.ts')).default },
  ec: { load: async () => (await import('./ec/index.ts')).default },
  finance: { load: async () => (await import('./finance/index.ts')).default },
  ops: { load: async () => (await import('./ops/index.ts')).default },
  ai: { load: async () => (await import('./ai/index.ts')).default },
};

/** One service as the catalogue knows it: its modules and, once built, its definition. */
export interface CatalogedService {
  name: ServiceName;
  modules: readonly ModuleId[];
  definition: ServiceDefinition<any> | undefined;
}

export interface ServiceRoster {
  readonly services: readonly CatalogedService[];
  /** The service that takes over `module` (M04 → trade), if any. */
  serviceOfModule(module: string): CatalogedService | undefined;
  /** The definitions of the built services. */
  definitions(): ServiceDefinition<any>[];
}

/** Every service with its modules, built ones loaded; a module claimed twice or a mislabelled definition stops it. */
export async function loadServiceRoster(catalog: Readonly<Record<string, BuiltService | PlannedService>> = SERVICE_CATALOG): Promise<ServiceRoster> {
  const services: CatalogedService[] = [];
  for (const [name, line] of Object.entries(catalog)) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) throw new Error(`services/catalog.ts: unknown service ${name}`);
    const definition = 'load' in line ? await line.load() : undefined;
    if (definition && definition.name !== name) throw new Error(`services/catalog.ts: the line ${name} loads the definition of ${definition.name}`);
    services.push({ name: name as ServiceName, modules: definition ? definition.modules : (line as PlannedService).planned, definition });
  }
  const byModule = new Map<string, CatalogedService>();
  for (const service of services) {
    for (const module of service.modules) {
      const other = byModule.get(module);
      if (other) throw new Error(`services/catalog.ts: ${module} is taken over by both ${other.name} and ${service.name}`);
      byModule.set(module, service);
    }
  }
  const claimedPaths = new Map<string, string>();
  for (const service of services) {
    for (const claimed of service.definition?.sharedPaths ?? []) {
      const other = claimedPaths.get(claimed);
      if (other) throw new Error(`services/catalog.ts: ${claimed} is claimed by both ${other} and ${service.name}`);
      claimedPaths.set(claimed, service.name);
    }
  }
  return {
    services,
    serviceOfModule: (module) => byModule.get(module),
    definitions: () => services.flatMap((s) => (s.definition ? [s.definition] : [])),
  };
}

/** The definitions of every built service (what `ficus start` serves). */
export async function loadBuiltServices(): Promise<ServiceDefinition<any>[]> {
  return (await loadServiceRoster()).definitions();
}

/** One built service by name (`ficus serve trade`); a clear error for an unknown or not yet built one. */
export async function loadService(name: string): Promise<ServiceDefinition<any>> {
  const line = (SERVICE_CATALOG as Record<string, BuiltService | PlannedService>)[name];
  const built = Object.entries(SERVICE_CATALOG).filter(([, l]) => 'load' in l).map(([n]) => n);
  if (!line) throw new Error(`unknown service ${name} (available: ${built.join(', ')})`);
  if (!('load' in line)) throw new Error(`service ${name} is not built yet (available: ${built.join(', ')})`);
  return line.load();
}
