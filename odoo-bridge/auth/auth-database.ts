/**
 * How the credential layer reaches the legacy Odoo database: a Kysely instance over the
 * columns it reads. Only these columns are typed on purpose — the rest of `res_users` belongs
 * to the ORM layer.
 */
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';

export interface AuthTables {
  res_users: {
    id: number;
    login: string;
    password: string | null;
    active: boolean | null;
  };
  res_users_apikeys: {
    id: number;
    user_id: number;
    scope: string | null;
    /** UTC, stored without time zone. */
    expiration_date: Date | null;
    /** First 8 characters of the clear key. */
    index: string;
    /** pbkdf2_sha512 hash of the whole clear key. */
    key: string;
  };
}

export type AuthDatabase = Kysely<AuthTables>;
// Kysely instances built for the whole application carry a wider (or `any`) schema.
export type AuthDatabaseSource = Kysely<any> | pg.Pool | pg.ClientBase;

/**
 * Accepts what callers have at hand. A Kysely instance is used as is; a pool is wrapped
 * (the caller keeps ownership: nothing here ever ends it); a single client is presented to
 * Kysely as a one-connection pool (pg queues its queries, so sharing it is safe for the
 * single-statement reads done here).
 */
export function toAuthDatabase(source: AuthDatabaseSource): AuthDatabase {
  if ('selectFrom' in source) return source as AuthDatabase;
  const pool: PostgresPool = 'totalCount' in source ? (source as pg.Pool) : singleClientPool(source as pg.ClientBase);
  return new Kysely<AuthTables>({ dialect: new PostgresDialect({ pool }) });
}

function singleClientPool(client: pg.ClientBase): PostgresPool {
  const connection = {
    query: (sql: string, parameters: ReadonlyArray<unknown>) => client.query(sql, parameters as unknown[]),
    release: () => {},
  } as unknown as PostgresPoolClient; // no cursor support: the auth queries never stream
  return { connect: async () => connection, end: async () => {} };
}
