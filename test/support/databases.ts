import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { clusterSocketUrl, clusterUrl } from './test-cluster.ts';

export interface TestDatabase {
  name: string;
  /** TCP URL, for what a test hands on (other processes, CDC connectors, tools). */
  url: string;
  /** Connects through the cluster's Unix socket, as the engine's pools under `ficus start` do. */
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, private copy of the legacy monolith (`hp_legacy.sql.gz`). */
export function legacyDatabase(): Promise<TestDatabase> {
  return copyOfTemplate(inject('testCluster').templates.legacy, 'legacy');
}

/** A fresh, private copy of the golden reference database (`odoo_ref`, stock Odoo 18 with demo data). */
export function odooRefDatabase(): Promise<TestDatabase> {
  return copyOfTemplate(inject('testCluster').templates.odooRef, 'odoo_ref');
}

/** Where the unpacked filestores (attachment files) of the two dumps are. */
export function testFilestores(): { legacy: string; odooRef: string } {
  return inject('testCluster').filestores;
}

/** An empty database, e.g. for a service's own tables. */
export function emptyDatabase(prefix = 'empty'): Promise<TestDatabase> {
  return copyOfTemplate('template0', prefix);
}

/** URL of any database of the test cluster (e.g. `postgres` for administration). */
export function testClusterUrl(database: string): string {
  return clusterUrl(inject('testCluster'), database);
}

async function copyOfTemplate(template: string, prefix: string): Promise<TestDatabase> {
  const name = `t_${prefix}_${randomBytes(5).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)} STRATEGY FILE_COPY`));
  const url = testClusterUrl(name);
  const pool = new pg.Pool({ connectionString: clusterSocketUrl(inject('testCluster'), name), max: 10 });
  // Tests reset databases under their pools (DROP … WITH (FORCE)); an idle client losing its
  // connection then is expected, and the pool replaces it on the next query.
  pool.on('error', () => {});
  let dropped = false;
  return {
    name,
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

/** Runs `work` on a connection to the test cluster's `postgres` database (create, drop, inspect databases). */
export async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
