import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingsMarkdownTable } from '../../runtime/config.ts';
import { PROJECT_ROOT } from '../support/ficus-process.ts';

const load = (env: Record<string, string>) => loadConfig({ env, cwd: PROJECT_ROOT });

describe('configuration', () => {
  it('has working defaults: gateway on 8069, PostgreSQL off 5432, data in .ficus', () => {
    const config = load({});
    expect(config.gatewayPort).toBe(8069);
    expect(config.postgresPort).not.toBe(5432);
    expect(config.dataDir).toBe(`${PROJECT_ROOT}/.ficus`);
    expect(config.legacyDatabaseName).toBe('legacy');
  });

  it.each([
    ['FICUS_PG_PORT', 'abc', /FICUS_PG_PORT: "abc" is not a port number/],
    ['FICUS_PORT', '70000', /FICUS_PORT: "70000" is not a port number/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: "loud" is not one of/],
    ['FICUS_RECONCILE_AT', '25:00', /FICUS_RECONCILE_AT: "25:00" is not a time of day/],
    ['LEGACY_DATABASE_URL', 'not a url', /LEGACY_DATABASE_URL: "not a url" is not a URL/],
    ['FICUS_LEGACY_DUMP', '/nowhere/dump.sql.gz', /FICUS_LEGACY_DUMP: dump file \/nowhere\/dump.sql.gz does not exist/],
  ])('names the bad setting %s=%s', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(message);
  });

  it('does not need the dump when an existing legacy database is configured', () => {
    const config = load({ LEGACY_DATABASE_URL: 'postgres://odoo:odoo@db/hp_legacy', FICUS_LEGACY_DUMP: '/nowhere.sql.gz' });
    expect(config.legacyDatabaseUrl).toBe('postgres://odoo:odoo@db/hp_legacy');
  });

  it('reads a JSON file, and the environment wins over it', () => {
    const file = 'test/foundation/fixtures/ficus.config.json';
    expect(load({ FICUS_CONFIG: file }).gatewayPort).toBe(18069);
    expect(load({ FICUS_CONFIG: file, FICUS_PORT: '28069' }).gatewayPort).toBe(28069);
    expect(() => load({ FICUS_CONFIG: 'test/foundation/fixtures/unknown-key.json' })).toThrow(/FICUS_CONFIG: gatewayPrt: unknown setting/);
  });

  it('prints the README configuration table from the same list', () => {
    const table = settingsMarkdownTable();
    expect(table).toContain('| `FICUS_PG_PORT` | `postgresPort` | `54329` |');
    expect(table.split('\n').length).toBeGreaterThan(10);
  });
});
