import pg from 'pg';
import { testClusterUrl } from './databases.ts';

/**
 * A module's replication slots are named after it (ficus_fwd_m19, ficus_rev_m19…), so per
 * cluster: two test files running the same module's syncs at once would take each other's
 * slots. Each such file holds this lock (a session advisory lock in the test cluster) from its
 * first step to its last; the other waits. A killed test process drops its connection and so
 * the lock.
 */
export async function holdModuleSyncs(module: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: testClusterUrl('postgres'), application_name: `test module syncs ${module}` });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [`ficus test: syncs of ${module}`]);
  return {
    async release() {
      await client.end().catch(() => undefined);
    },
  };
}
