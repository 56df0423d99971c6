import { copyTableDefinitions } from '../../../../cdc/apply/copy-table-definitions.ts';
import { serviceReferenceTablesIn } from '../../../../migration/control/sync/reference-tables.ts';
import { provisionTradeDatabase } from '../../../../services/trade/db/provision.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

const TRADE_TABLES = ['health_services', 'service_orders', 'appointments', 'grab_orders', 'matching_rules'];

export interface TradeServiceCopy {
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/**
 * svc_trade as the forward sync leaves it after a backfill, without a sync running: trade's
 * migrations, then the engine's reference tables and M04/M20's rows copied from a fresh legacy
 * database. Seconds instead of the full cutover stack (test/services/trade/support/trade-cutover-stack.ts),
 * for tests of trade's REST API alone.
 */
export async function tradeServiceCopy(): Promise<TradeServiceCopy> {
  const legacy = await legacyDatabase();
  const service = await emptyDatabase('svc_trade');
  await provisionTradeDatabase(service.url);
  const source = await legacy.pool.connect();
  const target = await service.pool.connect();
  try {
    // The engine's reference tables and those trade's models point at, as its reference sync copies them.
    const referenceTables = await serviceReferenceTablesIn(legacy.pool, 'trade');
    await copyTableDefinitions(source, target, referenceTables);
    for (const table of [...referenceTables, ...TRADE_TABLES]) {
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of TRADE_TABLES) {
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
