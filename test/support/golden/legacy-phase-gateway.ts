import { inject } from 'vitest';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../databases.ts';
import { PROJECT_ROOT } from '../ficus-process.ts';
import { startTestGateway, type TestGateway } from '../gateway.ts';

export interface LegacyPhaseGateway {
  legacy: TestDatabase;
  runtime: MigrationRuntime;
  gateway: TestGateway;
  /** The replayer's reset: the served database restored from the legacy template. */
  resetCmd: string;
  stop(): Promise<void>;
}

/**
 * A gateway as `ficus start` builds it with every module in phase legacy and no upstream Odoo:
 * the migration runtime's own engine answers over a fresh copy of the monolith, business methods
 * included (SERVICES.md §2). What a legacy golden replay runs against.
 */
export async function startLegacyPhaseGateway(): Promise<LegacyPhaseGateway> {
  const legacy = await legacyDatabase();
  const control = await emptyDatabase('control');
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url });
  const runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy.pool, logger, metrics: createMetricsRegistry(), runSync: false });
  const gateway = await startTestGateway({ serve: [{ name: 'hp_legacy', database: legacy }], handlerFor: runtime.handlerFor, router: runtime.router, loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
  const template = inject('testCluster').templates.legacy;
  const resetCmd = `cd '${PROJECT_ROOT}' && node --import tsx test/support/golden/reset-database.ts '${testClusterUrl('postgres')}' '${legacy.name}' '${template}'`;
  return {
    legacy,
    runtime,
    gateway,
    resetCmd,
    async stop() {
      await gateway.stop();
      await runtime.stop();
      await control.drop();
      await legacy.drop();
    },
  };
}
