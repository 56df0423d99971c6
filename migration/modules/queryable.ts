import type { QueryResult, QueryResultRow } from 'pg';

/** What the registry needs from a connection: a pg Pool, Client or PoolClient all fit. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
