import type pg from 'pg';
import { simpleCurrencyTable } from './currency-table.ts';
import { servedTableQueryModels } from './table-query-models.ts';

/**
 * The columns of each served table-query model's query, as the registry's catalog has them for
 * a table (name → PostgreSQL type), read from PostgreSQL's own description of the query on this
 * database (LIMIT 0: nothing is computed), so the registry's stored fields get their columns
 * from the query the database really runs. A query this database cannot plan (an Odoo version
 * whose tables differ) leaves its model out: it keeps no table, and searches are refused.
 */
export async function tableQueryColumns(pool: pg.Pool, modules: ReadonlySet<string>): Promise<Map<string, Map<string, string>>> {
  const result = new Map<string, Map<string, string>>();
  // Any one company: only the columns' names and types are read.
  const currencyTable = simpleCurrencyTable({ companyIds: [0], mainCompanyId: 0, oneCurrency: true });
  for (const report of servedTableQueryModels(modules)) {
    let described: pg.QueryResult;
    try {
      described = await pool.query(`SELECT * FROM (${report.query(modules, currencyTable)}) AS q LIMIT 0`);
    } catch {
      continue;
    }
    const oids = [...new Set(described.fields.map((f) => f.dataTypeID))];
    const types = await pool.query<{ oid: number; name: string }>('SELECT oid::int4 AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])', [oids]);
    const typeName = new Map(types.rows.map((r) => [r.oid, r.name]));
    result.set(report.table, new Map(described.fields.map((f) => [f.name, typeName.get(f.dataTypeID) ?? 'text'])));
  }
  return result;
}
