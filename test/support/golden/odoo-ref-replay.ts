import path from 'node:path';
import { inject } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testClusterUrl, testFilestores } from '../databases.ts';
import { PROJECT_ROOT } from '../ficus-process.ts';
import { startTestGateway } from '../gateway.ts';
import { replayGolden, type ReplayReport } from './replay.ts';

/**
 * A golden-format file (the public golden.jsonl by default, or a fixture under the project root)
 * replayed over HTTP, by the replayer that judges the hidden set, against a gateway serving a
 * fresh copy of odoo_ref with the full engine; each sequence gets a fresh copy of its own. The
 * copy and the gateway are gone when the report is returned.
 */
export async function replayOnOdooRef(options: { fixture?: string; show?: number } = {}): Promise<ReplayReport> {
  const database = await odooRefDatabase();
  const gateway = await startTestGateway({
    serve: [{ name: 'odoo_ref', database }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: testFilestores().odooRef }).call,
    loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
  });
  try {
    const template = inject('testCluster').templates.odooRef;
    const resetCmd = `cd '${PROJECT_ROOT}' && node --import tsx test/support/golden/reset-database.ts '${testClusterUrl('postgres')}' '${database.name}' '${template}'`;
    return await replayGolden(gateway.url, {
      db: 'odoo_ref',
      resetCmd,
      ...(options.fixture ? { file: path.join(PROJECT_ROOT, options.fixture) } : {}),
      ...(options.show ? { show: options.show } : {}),
    });
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
