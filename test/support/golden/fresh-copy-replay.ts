import path from 'node:path';
import { inject } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, testClusterUrl, testFilestores } from '../databases.ts';
import { PROJECT_ROOT } from '../ficus-process.ts';
import { startTestGateway } from '../gateway.ts';
import { replayGolden, type ReplayReport } from './replay.ts';

/** The two databases golden files are recorded on: how to get a fresh copy, its template and filestore. */
const SOURCES = {
  odoo_ref: { copy: odooRefDatabase, template: () => inject('testCluster').templates.odooRef, filestore: () => testFilestores().odooRef },
  hp_legacy: { copy: legacyDatabase, template: () => inject('testCluster').templates.legacy, filestore: () => testFilestores().legacy },
} as const;

/**
 * A golden-format file (the public golden.jsonl by default, or a fixture under the project root)
 * replayed over HTTP, by the replayer that judges the hidden set, against a gateway serving a
 * fresh copy of `db` with the full engine; each sequence gets a fresh copy of its own. The copy
 * and the gateway are gone when the report is returned.
 */
export async function replayOnFreshCopy(db: keyof typeof SOURCES, options: { fixture?: string; show?: number } = {}): Promise<ReplayReport> {
  const source = SOURCES[db];
  const database = await source.copy();
  const gateway = await startTestGateway({
    serve: [{ name: db, database }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: source.filestore() }).call,
    loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
  });
  try {
    const resetCmd = `cd '${PROJECT_ROOT}' && node --import tsx test/support/golden/reset-database.ts '${testClusterUrl('postgres')}' '${database.name}' '${source.template()}'`;
    return await replayGolden(gateway.url, {
      db,
      resetCmd,
      ...(options.fixture ? { file: path.join(PROJECT_ROOT, options.fixture) } : {}),
      ...(options.show ? { show: options.show } : {}),
    });
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
