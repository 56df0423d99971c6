import type pg from 'pg';
import type { CredentialStore } from './auth/credential-store.ts';
import type { CallHandler } from './call.ts';

/** Everything the gateway needs to serve one Odoo database under the name clients use. */
export interface ServedDatabaseRuntime {
  name: string;
  pool: pg.Pool;
  credentials: CredentialStore;
  /** Answers model calls (the routing function decides who: engine, service, upstream). */
  call: CallHandler;
}

/** The databases this gateway serves: `db.list` shows exactly these. */
export class DatabaseDirectory {
  private readonly byName: Map<string, ServedDatabaseRuntime>;

  constructor(databases: ServedDatabaseRuntime[]) {
    this.byName = new Map(databases.map((db) => [db.name, db]));
  }

  /** In name order, as Odoo's list_dbs gives them (`-d` names sorted, or `ORDER BY datname`). */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get(name: unknown): ServedDatabaseRuntime | undefined {
    return typeof name === 'string' ? this.byName.get(name) : undefined;
  }

  /** The only database, when there is exactly one (Odoo's monodb selection for web sessions). */
  single(): ServedDatabaseRuntime | undefined {
    return this.byName.size === 1 ? [...this.byName.values()][0] : undefined;
  }
}
