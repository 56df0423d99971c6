import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { AccessPort } from '../../services/kit/access/access-port.ts';
import { rulesSql } from '../../services/kit/access/record-checks.ts';

/** An access port whose read rules on any model are `r.user_id = <uid> OR r.state = 'open'` (only `rules` is asked). */
const port = { uid: 7, rules: async () => sql<boolean>`(r.user_id = ${7} OR r.state = ${'open'})` } as unknown as AccessPort;
// Compiling needs no connection: the pool is never used.
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) });

describe("rulesSql (kit): a port's record rules for list queries written as text", () => {
  it('numbers its placeholders after the query\'s own and hands its parameters to append', async () => {
    expect(await rulesSql(port, db, 'hp.x', 'read', 'r', 3)).toEqual({ sql: "(r.user_id = $4 OR r.state = $5)", parameters: [7, 'open'] });
    expect(await rulesSql(port, db, 'hp.x', 'read', 'r')).toEqual({ sql: "(r.user_id = $1 OR r.state = $2)", parameters: [7, 'open'] });
  });
});
