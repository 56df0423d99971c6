import pg from 'pg';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { splitQualified } from '../apply/target-tables.ts';
import type { ChangeEvent, RowImage } from '../events/change-event.ts';
import { encodePgText, SESSION_SETTINGS } from '../events/encode-pg-text.ts';
import { buildChangeEvent, type SourceIdentity } from './envelope-builder.ts';

export interface SnapshotOptions {
  url: string;
  snapshotName: string;
  consistentPoint: number;
  tables: readonly string[];
  primaryKeys: ReadonlyMap<string, string[]>;
  identity: SourceIdentity;
  batchRows: number;
  /** Called once the exported snapshot is imported: the exporting connection may close then. */
  onImported(): Promise<void>;
}

/** Every value as PostgreSQL's text output, so snapshot and pgoutput share one encoder. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * Reads the published tables inside the slot's exported snapshot (REPEATABLE READ, READ ONLY)
 * with a cursor, yielding op 'r' events in batches. Their source.lsn is the consistent point.
 */
export async function* readSnapshot(options: SnapshotOptions): AsyncGenerator<{ table: string; events: ChangeEvent[] }> {
  const client = new pg.Client({ connectionString: options.url, options: SESSION_SETTINGS, application_name: 'ficus_cdc_snapshot' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${options.snapshotName.replaceAll("'", "''")}'`);
    await options.onImported();
    for (const table of options.tables) {
      const [schema, name] = splitQualified(table);
      const primaryKey = options.primaryKeys.get(`${schema}.${name}`) ?? [];
      await client.query(`DECLARE ficus_snapshot NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(schema)}.${quoteIdent(name)}`);
      for (;;) {
        const result = await client.query({ text: `FETCH ${options.batchRows} FROM ficus_snapshot`, types: RAW_TEXT, rowMode: 'array' });
        if (result.rows.length === 0) break;
        const fields = result.fields;
        const now = Date.now();
        const events = (result.rows as (string | null)[][]).map((values) => {
          const after: RowImage = {};
          fields.forEach((field, i) => {
            const text = values[i];
            after[field.name] = text === null || text === undefined ? null : encodePgText(field.dataTypeID, text, field.dataTypeModifier);
          });
          return buildChangeEvent(options.identity, {
            op: 'r',
            schema,
            table: name,
            primaryKey,
            before: null,
            after,
            lsn: options.consistentPoint,
            txId: null,
            commitTimeMs: now,
            snapshot: 'true',
            lastCommitLsn: null,
            origin: null,
          });
        });
        yield { table, events };
        if (result.rows.length < options.batchRows) break;
      }
      await client.query('CLOSE ficus_snapshot');
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}
