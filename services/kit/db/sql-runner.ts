import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from 'kysely';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';

/**
 * A service's rules run on several kinds of connection: the ORM engine's transaction (a pg
 * client, for Odoo RPC, over the service database or the monolith's) and a kysely transaction
 * (REST, event handlers). Queries are built once with kysely (parameterised) and run on whichever
 * connection the caller holds, so RPC and REST share one implementation of each rule.
 */
export interface SqlRunner {
  /** A query built with the service's `sqlBuilder` (parameterised). */
  run<R>(query: Compilable<R>): Promise<R[]>;
  /** A statement kysely cannot build (advisory locks, DISTINCT ON), with $n parameters. */
  raw<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

/** Builds a service's queries over `Tables`; never executes (each runner compiles and runs them on its own connection). */
export function sqlBuilder<Tables>(): Kysely<Tables> {
  return new Kysely<Tables>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** The ORM engine's connection (or any pg client or pool) as a runner. */
export function onQueryable(db: Queryable): SqlRunner {
  return {
    async run<R>(query: Compilable<R>) {
      const compiled = query.compile();
      return (await db.query(compiled.sql, compiled.parameters as unknown[])).rows as R[];
    },
    async raw<R>(text: string, values: readonly unknown[] = []) {
      return (await db.query(text, [...values])).rows as R[];
    },
  };
}

/** A kysely connection or transaction (REST, event handlers) as a runner. */
export function onKysely(db: Kysely<any>): SqlRunner {
  return {
    async run<R>(query: Compilable<R>) {
      return (await db.executeQuery(query.compile())).rows as R[];
    },
    async raw<R>(text: string, values: readonly unknown[] = []) {
      return (await db.executeQuery(CompiledQuery.raw(text, [...values]))).rows as R[];
    },
  };
}

/** A kysely transaction as a Queryable, for statements shared with the ORM engine's connection (outbox writes, locks). */
export function queryableOf(db: Kysely<any>): Queryable {
  return { query: (async (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? []))) as unknown as Queryable['query'] };
}
