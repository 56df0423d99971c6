import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from 'kysely';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import type { TradeTables } from './tables.ts';

/**
 * Trade's rules run on two kinds of connection: the ORM engine's transaction (a pg client, for
 * Odoo RPC) and a kysely transaction (REST). Queries are built once with kysely (parameterised)
 * and run on whichever the caller holds, so RPC and REST share one implementation of each rule.
 */
export interface SqlRunner {
  run<R>(query: Compilable<R>): Promise<R[]>;
}

export const build = new Kysely<TradeTables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

export function onQueryable(db: Queryable): SqlRunner {
  return {
    async run<R>(query: Compilable<R>) {
      const compiled = query.compile();
      return (await db.query(compiled.sql, compiled.parameters as unknown[])).rows as R[];
    },
  };
}

export function onKysely(db: Kysely<any>): SqlRunner {
  return {
    async run<R>(query: Compilable<R>) {
      return (await db.executeQuery(query.compile())).rows as R[];
    },
  };
}

/** A kysely transaction as a Queryable, for the statements trade shares with the ORM engine's connection (outbox writes, locks). */
export function queryableOf(db: Kysely<any>): Queryable {
  return { query: (async (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? []))) as unknown as Queryable['query'] };
}
