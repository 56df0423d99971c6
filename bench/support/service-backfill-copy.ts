import pg from 'pg';
import { copyTableDefinitions } from '../../cdc/apply/copy-table-definitions.ts';
import { serviceReferenceTablesIn } from '../../migration/control/sync/reference-tables.ts';

/**
 * A service database as a backfill leaves it, without running one: the engine's reference tables
 * the service needs (their definitions and rows) and the module's own tables' rows copied from a
 * monolith, each table's id sequence moved past its rows. The service's migrations must have run
 * on `targetUrl` already. For REST test stacks and benches that need the service's data but not
 * the sync.
 */
export async function copyServiceBackfill(monolith: pg.Pool, targetUrl: string, service: string, moduleTables: readonly string[]): Promise<void> {
  const source = await monolith.connect();
  const target = new pg.Client({ connectionString: targetUrl });
  await target.connect();
  try {
    const referenceTables = await serviceReferenceTablesIn(monolith, service);
    await copyTableDefinitions(source, target, referenceTables);
    for (const table of [...referenceTables, ...moduleTables]) {
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of moduleTables) {
      // A many2many relation table (knowledge_content_tag_rel) has no id and no sequence.
      const { rowCount } = await target.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, [table]);
      if (!rowCount) continue;
      await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [table]);
    }
  } finally {
    source.release();
    await target.end();
  }
}
