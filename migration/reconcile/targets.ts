import pg from 'pg';
import type { ModuleRegistry, RegisteredModule } from '../modules/index.ts';
import type { ServiceName } from '../modules/module-map.ts';
import type { DatabaseHandle, TableJob } from './reconcile-run.ts';
import { describeDatabaseUrl } from './sql.ts';

/** The database a service keeps its tables in, in the embedded cluster. The one place this naming lives. */
export function serviceDatabaseName(service: ServiceName): string {
  return `svc_${service}`;
}

/** `url` with its database replaced: service databases live next to the legacy one. */
export function databaseUrlOn(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Which tables to compare: the chosen modules' tables, optionally narrowed to `tables`. */
export function tableJobsFor(modules: readonly RegisteredModule[], tables?: readonly string[]): TableJob[] {
  const wanted = tables?.length ? new Set(tables) : undefined;
  return modules.flatMap((m) =>
    m.tables.filter((t) => !wanted || wanted.has(t)).map((table) => ({ table, module: m.code })),
  );
}

/**
 * Opens pools lazily, one per database URL, and closes them all at the end. The target of a
 * table is `targetUrl` when given, else its owning module's service database on the cluster of
 * `clusterUrl`; tables no module owns (Odoo's own) stay on the source side only.
 */
export class DatabasePools {
  private readonly pools = new Map<string, DatabaseHandle>();

  constructor(private readonly applicationName = 'ficus-reconcile') {}

  handle(url: string): DatabaseHandle {
    let handle = this.pools.get(url);
    if (!handle) {
      const pool = new pg.Pool({ connectionString: url, max: 6, application_name: this.applicationName });
      pool.on('error', () => {}); // an idle connection dropped by the server; the next query reports it
      handle = { pool, label: describeDatabaseUrl(url) };
      this.pools.set(url, handle);
    }
    return handle;
  }

  targetResolver(
    registry: ModuleRegistry | undefined,
    options: { targetUrl?: string; clusterUrl: string; serviceUrl?: (service: string) => string },
  ): (table: string) => DatabaseHandle | undefined {
    return (table) => {
      if (options.targetUrl) return this.handle(options.targetUrl);
      const module = registry?.moduleOfTable(table);
      if (!module) return undefined;
      return this.handle(options.serviceUrl?.(module.service) ?? databaseUrlOn(options.clusterUrl, serviceDatabaseName(module.service)));
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.values()].map((h) => h.pool.end()));
    this.pools.clear();
  }
}
