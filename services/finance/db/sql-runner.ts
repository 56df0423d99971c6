import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from 'kysely';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import type { FinanceLegacyTables } from './tables.ts';

/**
 * Finance's rules run on three kinds of connection: the ORM engine's transaction over
 * svc_finance (Odoo RPC after cutover), the engine's transaction over the monolith (phase
 * legacy, embedded mode) and a kysely transaction (REST, events). The tables have the same names
 * and columns on both databases, so each rule is written once against a SqlRunner and runs on
 * whichever connection the caller holds.
 */
export interface SqlRunner {
  /** A query built with `build` (parameterised). */
  run<R>(query: Compilable<R>): Promise<R[]>;
  /** A statement kysely cannot build (advisory locks, DISTINCT ON), with $n parameters. */
  raw<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

/** Builds finance's queries; never executes (each runner compiles and runs them on its own connection). */
export const build = new Kysely<FinanceLegacyTables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

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

/** A kysely transaction as a Queryable, for statements finance shares with the ORM engine's connection (outbox writes). */
export function queryableOf(db: Kysely<any>): Queryable {
  return { query: (async (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? []))) as unknown as Queryable['query'] };
}
