import pg from 'pg';
import type { BenchCluster } from './bench-cluster.ts';

export interface DrillDatabases {
  legacyUrl: string;
  controlUrl: string;
  serviceUrl: string;
  /** Drops the drill's databases and its modules' replication slots (slots would hold the shared cluster's WAL). */
  clean(): Promise<void>;
}

/**
 * A migration drill's databases in the shared bench cluster, made fresh: what an earlier run left
 * (its databases, the modules' slots) dropped, `<prefix>_legacy` copied from the legacy template,
 * `<prefix>_control` empty, `<prefix>_svc_<service>` left for the first backfill to provision.
 */
export async function freshDrillDatabases(bench: BenchCluster, o: { prefix: string; service: string; modules: readonly string[] }): Promise<DrillDatabases> {
  const names = { legacy: `${o.prefix}_legacy`, control: `${o.prefix}_control`, service: `${o.prefix}_svc_${o.service}` };
  const slots = [...o.modules.flatMap((m) => [`ficus_fwd_${m.toLowerCase()}`, `ficus_rev_${m.toLowerCase()}`]), `ficus_ref_${o.service}`];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: bench.cluster.url('postgres') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const clean = () =>
    admin(async (client) => {
      await client.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [slots]);
      for (const db of Object.values(names)) await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
  await clean();
  await admin(async (client) => {
    await client.query(`CREATE DATABASE ${names.legacy} TEMPLATE legacy`);
    await client.query(`CREATE DATABASE ${names.control}`);
  });
  return { legacyUrl: bench.cluster.url(names.legacy), controlUrl: bench.cluster.url(names.control), serviceUrl: bench.cluster.url(names.service), clean };
}
