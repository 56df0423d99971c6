import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from './databases.ts';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.ts';

export const LEGACY_DB_NAME = 'hp_legacy';

/** A gateway serving a fresh copy of the legacy monolith as `hp_legacy`, answered by the ORM engine. */
export async function startLegacyGateway(options: Partial<TestGatewayOptions> = {}): Promise<{ gateway: TestGateway; database: TestDatabase; stop(): Promise<void> }> {
  const database = await legacyDatabase();
  const gateway = await startTestGateway({
    serve: [{ name: LEGACY_DB_NAME, database }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: testFilestores().legacy }).call,
    ...options,
  });
  return {
    gateway,
    database,
    async stop() {
      await gateway.stop();
      await database.drop();
    },
  };
}
