import type pg from 'pg';
import { firstKeyOf } from './checksum-queries.ts';
import type { ReconcileReport } from './report-model.ts';
import { inPgTransaction } from '../../platform/pg-transaction.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { chunked } from './sql.ts';
import { introspectTable } from './table-introspection.ts';
import { currentOwnerOf, type OwnerLookup, type TableOwner } from './table-owner.ts';

export interface TableRepair {
  table: string;
  owner: TableOwner;
  /** `target` when legacy owns the table (the service copy is fixed), else `source`. */
  writeTo: 'source' | 'target';
  /** Rows copied from the owner (missing on the other side, or different there). */
  upsert: string[];
  /** Rows the owner does not have, removed from the other side. */
  remove: string[];
  /** Why nothing can be done automatically (e.g. the table itself is missing). */
  blocked?: string;
}

/** What `--repair` would re-sync, from the current owner of each table. */
export async function planRepair(report: ReconcileReport, ownerOf: OwnerLookup = currentOwnerOf): Promise<TableRepair[]> {
  const plans: TableRepair[] = [];
  for (const t of report.tables) {
    if (t.status === 'clean' || t.status === 'skipped') continue;
    const owner = await ownerOf(t.table);
    const writeTo = owner === 'legacy' ? 'target' : 'source';
    const missingOnOther = owner === 'legacy' ? 'missing-in-target' : 'missing-in-source';
    const plan: TableRepair = {
      table: t.table,
      owner,
      writeTo,
      upsert: t.differences.filter((d) => d.kind === missingOnOther || d.kind === 'different').map((d) => d.key),
      remove: t.differences.filter((d) => d.kind !== missingOnOther && d.kind !== 'different').map((d) => d.key),
    };
    if (t.status === 'missing-in-target' || t.status === 'missing-in-source') plan.blocked = `${t.reason}: create the table first (service migrations)`;
    else if (t.schema.onlyInSource.length || t.schema.onlyInTarget.length) {
      if (!plan.upsert.length && !plan.remove.length) plan.blocked = 'only the columns differ: a schema change, not a row re-sync';
    }
    plans.push(plan);
  }
  return plans;
}

export function describeRepairPlan(plans: TableRepair[]): string {
  if (!plans.length) return 'nothing to repair\n';
  const lines = plans.map((p) => {
    const from = p.writeTo === 'target' ? 'legacy → service' : 'service → legacy';
    if (p.blocked) return `${p.table}: cannot repair automatically — ${p.blocked}`;
    const keys = (list: string[]) => (list.length > 20 ? `${list.slice(0, 20).join(', ')} … (+${list.length - 20})` : list.join(', '));
    return [
      `${p.table} (owner: ${p.owner}; ${from}):`,
      `  re-sync ${p.upsert.length} row(s)${p.upsert.length ? `: ${keys(p.upsert)}` : ''}`,
      `  delete ${p.remove.length} row(s) the owner does not have${p.remove.length ? `: ${keys(p.remove)}` : ''}`,
    ].join('\n');
  });
  return lines.join('\n') + '\n';
}

export interface RepairResult {
  table: string;
  upserted: number;
  removed: number;
}

/**
 * Applies a repair plan in batches: rows are read from the owner as JSON and upserted on the
 * other side (`json_populate_recordset` converts every value to the column's own type), extra
 * rows are deleted. Each batch is one transaction. Where the role may, foreign-key triggers are
 * skipped for the batch (`session_replication_role = replica`, as replication appliers do):
 * the owner's data is already consistent, but batches arrive in table order, not in FK order.
 */
export async function applyRepair(
  plans: TableRepair[],
  pools: { source(table: string): pg.Pool; target(table: string): pg.Pool },
  batchSize = 500,
): Promise<RepairResult[]> {
  const results: RepairResult[] = [];
  for (const plan of plans) {
    if (plan.blocked) continue;
    const from = plan.writeTo === 'target' ? pools.source(plan.table) : pools.target(plan.table);
    const to = plan.writeTo === 'target' ? pools.target(plan.table) : pools.source(plan.table);
    const [fromShape, toShape] = await Promise.all([introspectTable(from, plan.table), introspectTable(to, plan.table)]);
    const key = fromShape.primaryKey.length ? fromShape.primaryKey : toShape.primaryKey;
    if (!key.length) throw new Error(`${plan.table} has no primary key: cannot repair by key`);
    const toColumns = new Set(toShape.columns.map((c) => c.name));
    const columns = fromShape.columns.map((c) => c.name).filter((c) => toColumns.has(c));
    const table = quoteIdent(plan.table);
    const keyFilter = key.length === 1 ? `${quoteIdent(key[0]!)}::text = ANY($1::text[])` : `ROW(${key.map(quoteIdent).join(', ')})::text = ANY($1::text[])`;
    // The first key column narrows by index (bigint for integer keys) before the exact match.
    const firstIsInteger = ['int2', 'int4', 'int8'].includes(fromShape.columns.find((c) => c.name === key[0])?.baseType ?? '');
    const narrowed = `${quoteIdent(key[0]!)}${firstIsInteger ? ' = ANY($2::bigint[])' : '::text = ANY($2::text[])'} AND ${keyFilter}`;
    const result: RepairResult = { table: plan.table, upserted: 0, removed: 0 };

    for (const batch of chunked(plan.upsert, batchSize)) {
      const params = [batch, [...new Set(batch.map(firstKeyOf))]];
      const { rows } = await from.query<{ rows: unknown }>(
        `SELECT coalesce(json_agg(x), '[]'::json) AS rows FROM (SELECT ${columns.map(quoteIdent).join(', ')} FROM ${table} WHERE ${narrowed}) x`,
        params,
      );
      const nonKey = columns.filter((c) => !key.includes(c));
      const update = nonKey.length ? `DO UPDATE SET ${nonKey.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}` : 'DO NOTHING';
      result.upserted += await inTransaction(to, (client) =>
        client.query(
          `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')})
           SELECT ${columns.map(quoteIdent).join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
           ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${update}`,
          [JSON.stringify(rows[0]?.rows ?? [])],
        ),
      );
    }
    for (const batch of chunked(plan.remove, batchSize)) {
      result.removed += await inTransaction(to, (client) =>
        client.query(`DELETE FROM ${table} WHERE ${narrowed}`, [batch, [...new Set(batch.map(firstKeyOf))]]),
      );
    }
    results.push(result);
  }
  return results;
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<pg.QueryResult>): Promise<number> {
  return inPgTransaction(pool, async (client) => {
    await client.query('SAVEPOINT replica_role');
    try {
      await client.query(`SET LOCAL session_replication_role = replica`);
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT replica_role'); // not allowed for this role: keep FK checks
    }
    return (await work(client)).rowCount ?? 0;
  });
}
