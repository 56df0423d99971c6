import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { usePostgresSessionDefaults } from '../../platform/postgres-session-defaults.ts';
import { clusterUrl } from '../support/test-cluster.ts';

/** `SHOW <name>` on a new connection, as every pool of the process would open it. */
async function sessionSetting(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: clusterUrl(inject('testCluster'), 'postgres') });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
  } finally {
    await client.end();
  }
}

/**
 * Ficus's connections run without JIT (platform/postgres-session-defaults.ts): the ORM's
 * statements with many sub-plans spent seconds compiling on a server built with LLVM. The GUC
 * exists whether or not the server can JIT, so the setting is visible on any PostgreSQL.
 */
describe('PostgreSQL session defaults of a Ficus process', () => {
  const saved = { env: process.env.PGOPTIONS, defaults: pg.defaults.options };
  afterEach(() => {
    if (saved.env === undefined) delete process.env.PGOPTIONS;
    else process.env.PGOPTIONS = saved.env;
    pg.defaults.options = saved.defaults;
  });

  it('turns JIT off on the connections opened afterwards', async () => {
    delete process.env.PGOPTIONS;
    pg.defaults.options = undefined;
    expect(await sessionSetting('jit')).toBe('on');
    usePostgresSessionDefaults();
    expect(await sessionSetting('jit')).toBe('off');
  });

  it('adds it to a PGOPTIONS the process was given, keeping the rest', async () => {
    process.env.PGOPTIONS = '-c client_min_messages=warning';
    pg.defaults.options = undefined;
    usePostgresSessionDefaults();
    expect(process.env.PGOPTIONS).toBe('-c client_min_messages=warning -c jit=off');
    expect(await sessionSetting('jit')).toBe('off');
    expect(await sessionSetting('client_min_messages')).toBe('warning');
  });

  it('leaves a jit setting the process was given', async () => {
    process.env.PGOPTIONS = '-c jit=on';
    usePostgresSessionDefaults();
    expect(process.env.PGOPTIONS).toBe('-c jit=on');
    expect(await sessionSetting('jit')).toBe('on');
  });
});
