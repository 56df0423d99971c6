import { copyTableDefinitions } from '../../../../cdc/apply/copy-table-definitions.ts';
import { serviceReferenceTablesIn } from '../../../../migration/control/sync/reference-tables.ts';
import { DYNAMIC_MIGRATIONS } from '../../../../services/dynamic/db/migrations.ts';
import { provisionServiceDatabase } from '../../../../services/kit/db/provision.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

export const M19_TABLES = ['activities', 'user_feeds', 'recommendations'] as const;

export interface DynamicServiceCopy {
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/**
 * svc_dynamic as the forward sync leaves it after a backfill, without a sync running: dynamic's
 * migrations, then the engine's reference tables and M19's rows copied from a fresh legacy
 * database (as test/services/trade/support/trade-service-copy.ts does for trade).
 */
export async function dynamicServiceCopy(): Promise<DynamicServiceCopy> {
  const legacy = await legacyDatabase();
  const service = await emptyDatabase('svc_dynamic');
  await provisionServiceDatabase(service.url, DYNAMIC_MIGRATIONS);
  const source = await legacy.pool.connect();
  const target = await service.pool.connect();
  try {
    // The engine's reference tables and those dynamic's models point at, as its reference sync copies them.
    const referenceTables = await serviceReferenceTablesIn(legacy.pool, 'dynamic');
    await copyTableDefinitions(source, target, referenceTables);
    for (const table of [...referenceTables, ...M19_TABLES]) {
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of M19_TABLES) {
      await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [table]);
    }
  } finally {
    source.release();
    target.release();
  }
  return {
    legacy,
    service,
    async stop() {
      await service.drop();
      await legacy.drop();
    },
  };
}
