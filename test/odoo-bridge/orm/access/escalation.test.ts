import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * What a member (member001, uid 6) tries in order to become more than a member, or to learn
 * secrets, over the ORM every protocol shares: each attempt fails as Odoo makes it fail and
 * changes nothing.
 */
const MEMBER = 6;

let db: TestDatabase;
let engine: OrmEngine;

const call = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid: MEMBER, model, method, args, kwargs });

async function refusal(promise: Promise<unknown>): Promise<OdooError> {
  const outcome = await promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  if ('value' in outcome) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof OdooError)) throw outcome.error;
  return outcome.error;
}

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool } });
});
afterAll(async () => {
  await db?.drop();
});

describe('a member cannot escalate', () => {
  it('cannot add themselves to a group, create users, or touch ACLs and rules', async () => {
    const groupsBefore = await db.pool.query('SELECT gid FROM res_groups_users_rel WHERE uid = $1 ORDER BY gid', [MEMBER]);
    const attempts = [
      () => call('res.users', 'write', [[MEMBER], { groups_id: [[4, 2]] }]),
      () => call('res.groups', 'write', [[2], { users: [[4, MEMBER]] }]),
      () => call('res.users', 'create', [{ login: 'evil', name: 'evil' }]),
      () => call('ir.model.access', 'create', [{ name: 'x', model_id: 1, perm_read: true }]),
      () => call('ir.rule', 'unlink', [[1]]),
      () => call('ir.rule', 'search_read', [[]], { fields: ['domain_force'] }),
    ];
    for (const attempt of attempts) expect((await refusal(attempt())).exceptionName).toBe('odoo.exceptions.AccessError');
    const groupsAfter = await db.pool.query('SELECT gid FROM res_groups_users_rel WHERE uid = $1 ORDER BY gid', [MEMBER]);
    expect(groupsAfter.rows).toEqual(groupsBefore.rows);
  });

  it('cannot call private methods or act as someone else through the context', async () => {
    expect((await refusal(call('res.users', '_check_credentials', ['x', {}]))).message).toContain('Private methods');
    const foreign = (await db.pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id <> $1 LIMIT 1', [MEMBER])).rows[0]!.id;
    for (const context of [{ uid: 1 }, { su: true }, { active_test: false, uid: 2 }, { sudo: true }]) {
      expect(await call('hp.health.record', 'search', [[['id', '=', foreign]]], { context })).toEqual([]);
    }
    expect((await refusal(call('hp.health.record', 'read', [[foreign], ['value']], { context: { allowed_company_ids: [1, 999] } }))).exceptionName)
      .toMatch(/AccessError/);
  });

  it('learns nothing about passwords or API keys', async () => {
    const all = (await call('res.users', 'search_count', [[]])) as number;
    // A non-stored, non-searchable field is ignored as Odoo ignores it: no oracle on the hash.
    expect(await call('res.users', 'search_count', [[['password', '=like', '$pbkdf2-sha512$%']]])).toBe(all);
    expect(await call('res.users', 'search_count', [[['password', '=like', 'no-such-prefix%']]])).toBe(all);
    expect(await call('res.users', 'read', [[2], ['password']])).toEqual([{ id: 2, password: '' }]);
    expect((await refusal(call('res.users.apikeys', 'search_read', [[]], { fields: ['key'] }))).message).toContain("Invalid field 'key'");
    const keys = (await call('res.users.apikeys', 'search_read', [[]], { fields: ['user_id'] })) as Array<{ user_id: [number, string] }>;
    expect(keys.every((k) => k.user_id[0] === MEMBER)).toBe(true);
  });

  it('cannot write points, payments of others or back-office transitions', async () => {
    expect((await refusal(call('hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 100000, reason: 'order' }]))).exceptionName).toBe('odoo.exceptions.AccessError');
    const foreignOrder = (await db.pool.query<{ id: number }>('SELECT id FROM service_orders WHERE customer_id <> $1 LIMIT 1', [MEMBER])).rows[0]!.id;
    expect((await refusal(call('hp.service.order', 'write', [[foreignOrder], { state: 'completed' }]))).exceptionName).toBe('odoo.exceptions.AccessError');
    expect((await refusal(call('hp.health.record', 'unlink', [[(await db.pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id <> $1 LIMIT 1', [MEMBER])).rows[0]!.id]]))).exceptionName).toBe('odoo.exceptions.AccessError');
  });

  it('may change their own safe fields (SELF_WRITEABLE_FIELDS), and only those, and only their own', async () => {
    expect(await call('res.users', 'write', [[MEMBER], { name: 'Wei Wu Renamed', tz: 'Asia/Shanghai' }])).toBe(true);
    const row = await db.pool.query<{ name: string; tz: string }>('SELECT p.name, p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [MEMBER]);
    expect(row.rows[0]).toEqual({ name: 'Wei Wu Renamed', tz: 'Asia/Shanghai' });
    expect((await refusal(call('res.users', 'write', [[MEMBER], { name: 'x', hp_user_type: 'operator' }]))).exceptionName).toBe('odoo.exceptions.AccessError');
    expect((await refusal(call('res.users', 'write', [[7], { name: 'pwned' }]))).exceptionName).toBe('odoo.exceptions.AccessError');
    expect((await refusal(call('res.users', 'write', [[MEMBER, 7], { name: 'pwned' }]))).exceptionName).toBe('odoo.exceptions.AccessError');
  });
});
