import pg from 'pg';

/**
 * One short-lived connection for setting up capture (publication, replica identity, slots):
 * named so it can be told apart in pg_stat_activity, and never left open.
 */
export async function withSetupClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'ficus_cdc_setup' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
