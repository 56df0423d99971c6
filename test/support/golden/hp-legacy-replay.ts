import path from 'node:path';
import { inject } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testClusterUrl, testFilestores } from '../databases.ts';
import { PROJECT_ROOT } from '../ficus-process.ts';
import { startTestGateway } from '../gateway.ts';
import { replayGolden, type ReplayReport } from './replay.ts';

/**
 * A golden-format fixture of calls on hp_legacy replayed over HTTP, by the replayer that judges
 * the hidden set, against a gateway serving a fresh copy of hp_legacy with the full engine (as
 * odoo-ref-replay.ts does for odoo_ref). The copy and the gateway are gone when the report is returned.
 */
export async function replayOnHpLegacy(options: { fixture: string; show?: number }): Promise<ReplayReport> {
  const database = await legacyDatabase();
  const gateway = await startTestGateway({
    serve: [{ name: 'hp_legacy', database }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: testFilestores().legacy }).call,
    loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
  });
  try {
    const template = inject('testCluster').templates.legacy;
    const resetCmd = `cd '${PROJECT_ROOT}' && node --import tsx test/support/golden/reset-database.ts '${testClusterUrl('postgres')}' '${database.name}' '${template}'`;
    return await replayGolden(gateway.url, {
      db: 'hp_legacy',
      resetCmd,
      file: path.join(PROJECT_ROOT, options.fixture),
      ...(options.show ? { show: options.show } : {}),
    });
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
