import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
} from 'kysely';
import pg from 'pg';
import { OdooError, valueError } from '../../errors.ts';
import { StatementNames } from './statement-names.ts';
import { withTableQueries } from '../table-query/table-query-scope.ts';

/**
 * kysely is used as a compiler only (sql`` fragments → text + parameters); statements run on
 * the served database's own pg pool so that we control type parsing and errors.
 */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Odoo reads timestamps/dates as naive strings and numerics as floats; pg's defaults (JS Date
 * in local time, numeric as string, int8 as string) are all wrong for that, so this query-level
 * parser set keeps text for dates and converts numbers.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case 1082: // date
      case 1114: // timestamp
      case 1184: // timestamptz
        return (v: string) => v;
      case 1700: // numeric
      case 20: // int8
        return (v: string) => Number(v);
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
};

export interface Queryable {
  query: pg.Pool['query'];
}

const statementNames = new StatementNames();
/** 26000: prepared statement does not exist; 0A000: cached plan must not change result type. */
const LOST_PREPARED_STATEMENT = new Set(['26000', '0A000']);

export async function run<R extends Record<string, unknown>>(db: Queryable, statement: RawBuilder<unknown>): Promise<R[]> {
  const compiled = statement.compile(compiler);
  const values = compiled.parameters as unknown[];
  // A statement naming a `_table_query` model's table is given its query (table-query-scope.ts);
  // that text depends on the call's companies: it is not kept as a prepared statement.
  let text = compiled.sql;
  let name: string | undefined;
  try {
    const rewritten = withTableQueries(db, compiled.sql);
    text = typeof rewritten === 'string' ? rewritten : await rewritten;
    name = text === compiled.sql ? statementNames.nameFor(text) : undefined;
    return (await db.query<R>({ name, text, values, types: TYPES })).rows;
  } catch (error) {
    if (name && LOST_PREPARED_STATEMENT.has((error as { code?: string }).code ?? '')) {
      statementNames.refuse(text);
      // Inside a transaction (a client, not the pool) the failure aborted it: a retry there could
      // only fail again and hide the cause.
      if (!isPool(db)) throw asOdooError(error);
      try {
        return (await db.query<R>({ text, values, types: TYPES })).rows;
      } catch (retryError) {
        throw asOdooError(retryError);
      }
    }
    throw asOdooError(error);
  }
}

function isPool(db: Queryable): boolean {
  return db instanceof pg.Pool;
}

/** For tests and diagnostics: the SQL text and parameters of a fragment. */
export function compileSql(statement: RawBuilder<unknown>): { sql: string; parameters: readonly unknown[] } {
  const c = statement.compile(compiler);
  return { sql: c.sql, parameters: c.parameters };
}

/**
 * PostgreSQL errors never reach a client as such (no SQL text, no internals). Bad values in a
 * domain (class 22, e.g. a date that is not a date) become the error Odoo reports for them;
 * anything else is a server error without details.
 */
function asOdooError(error: unknown): Error {
  if (error instanceof OdooError) return error;
  const pgError = error as { code?: string; message?: string };
  const firstLine = String(pgError.message ?? '').split('\n')[0] ?? '';
  // psycopg2.errors names PostgreSQL's SQLSTATE: 22007 invalid_datetime_format, 22008 datetime_field_overflow.
  if (pgError.code === '22007') return new OdooError('psycopg2.errors.InvalidDatetimeFormat', firstLine);
  if (pgError.code === '22008') return new OdooError('psycopg2.errors.DatetimeFieldOverflow', firstLine);
  if (pgError.code?.startsWith('22')) return valueError(firstLine);
  if (pgError.code === '42883' || pgError.code === '42804') {
    return valueError('Invalid value type in domain');
  }
  return new OdooError('builtins.Exception', 'Ficus could not run this query on the database.');
}
