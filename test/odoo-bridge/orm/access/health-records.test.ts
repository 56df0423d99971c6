import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * The security bar of the design (§6): a member cannot read or change another member's
 * health records through any ORM path, while a coach reads them all. Real uids of hp_legacy:
 * member001 = 6, member002 = 7, coach001 = 246, operator002 = 302.
 */
const MEMBER1 = 6;
const MEMBER2 = 7;
const COACH = 246;
const MODEL = 'hp.health.record';

let db: TestDatabase;
let engine: OrmEngine;
let ownId: number;
let foreignId: number;
let totalRecords: number;

const call = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid, model: MODEL, method, args, kwargs });

async function rejection(promise: Promise<unknown>): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OdooError) return error;
    throw error;
  }
  throw new Error('expected an OdooError');
}

beforeAll(async () => {
  db = await legacyDatabase();
  const database = { name: 'hp_legacy', pool: db.pool };
  engine = createFullOrmEngine({ database });
  const own = await db.pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1 ORDER BY id LIMIT 1', [MEMBER1]);
  const foreign = await db.pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1 ORDER BY id LIMIT 1', [MEMBER2]);
  const total = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM health_records');
  ownId = own.rows[0]!.id;
  foreignId = foreign.rows[0]!.id;
  totalRecords = total.rows[0]!.n;
});
afterAll(async () => {
  await db?.drop();
});

describe('a member and health records', () => {
  it('search, search_count and search_read only ever see their own records', async () => {
    const ids = (await call(MEMBER1, 'search', [[]])) as number[];
    const owners = await db.pool.query<{ user_id: number }>('SELECT DISTINCT user_id FROM health_records WHERE id = ANY($1)', [ids]);
    expect(owners.rows.map((r) => r.user_id)).toEqual([MEMBER1]);
    expect(await call(MEMBER1, 'search', [[['user_id', '=', MEMBER2]]])).toEqual([]);
    expect(await call(MEMBER1, 'search_count', [[['id', '=', foreignId]]])).toBe(0);
    expect(await call(MEMBER1, 'search_count', [[]])).toBe(ids.length);
    const rows = (await call(MEMBER1, 'search_read', [[['id', 'in', [ownId, foreignId]]]], { fields: ['user_id'] })) as Array<{ id: number }>;
    expect(rows.map((r) => r.id)).toEqual([ownId]);
  });

  it('read of another member record is an AccessError with the record-rule text', async () => {
    const error = await rejection(call(MEMBER1, 'read', [[foreignId]], { fields: ['value'] }));
    expect(error.exceptionName).toBe('odoo.exceptions.AccessError');
    expect(error.message).toMatch(/^Uh-oh! Looks like you have stumbled upon some top-secret records\.\n\nSorry, Wei Wu \(id=6\) doesn't have 'read' access to:\n- .+ \(hp\.health\.record\)\n\nIf you really, really need access/);
  });

  it('read_group and name_search aggregate only their own records', async () => {
    const groups = (await call(MEMBER1, 'read_group', [[], ['user_id'], ['user_id']])) as Array<{ user_id: [number, string] }>;
    expect(groups.map((g) => g.user_id[0])).toEqual([MEMBER1]);
    const names = (await call(MEMBER1, 'name_search', [''], { limit: 1000 })) as Array<[number, string]>;
    expect(names.map(([id]) => id)).not.toContain(foreignId);
    expect(names.map(([id]) => id)).toContain(ownId);
  });

  it('write and unlink of another member record are refused and change nothing', async () => {
    const before = await db.pool.query('SELECT value, write_date FROM health_records WHERE id = $1', [foreignId]);
    const w = await rejection(call(MEMBER1, 'write', [[foreignId], { note: 'hacked' }]));
    expect(w.exceptionName).toBe('odoo.exceptions.AccessError');
    expect(w.message).toContain("doesn't have 'write' access to:");
    const u = await rejection(call(MEMBER1, 'unlink', [[foreignId]]));
    expect(u.exceptionName).toBe('odoo.exceptions.AccessError');
    expect(u.message).toContain("doesn't have 'unlink' access to:");
    const after = await db.pool.query('SELECT value, write_date FROM health_records WHERE id = $1', [foreignId]);
    expect(after.rows).toEqual(before.rows);
  });

  it('cannot create a health record for another member', async () => {
    const error = await rejection(call(MEMBER1, 'create', [{ user_id: MEMBER2, record_type: 'weight', value: 70, measured_at: '2026-01-01 08:00:00' }]));
    expect(error.exceptionName).toBe('odoo.exceptions.AccessError');
    expect(error.message).toContain("doesn't have 'create' access to:");
  });

  it('can still change their own record', async () => {
    expect(await call(MEMBER1, 'write', [[ownId], { note: 'mine' }])).toBe(true);
    const row = await db.pool.query<{ note: string; write_uid: number }>('SELECT note, write_uid FROM health_records WHERE id = $1', [ownId]);
    expect(row.rows[0]).toEqual({ note: 'mine', write_uid: MEMBER1 });
  });
});

describe('a coach and health records', () => {
  it('reads every member record', async () => {
    expect(await call(COACH, 'search_count', [[]])).toBe(totalRecords);
    const rows = (await call(COACH, 'read', [[foreignId, ownId]], { fields: ['user_id'] })) as Array<{ id: number; user_id: [number, string] }>;
    expect(rows.map((r) => r.user_id[0])).toEqual([MEMBER2, MEMBER1]);
  });

  it('may not write them (the coach rule is read-only)', async () => {
    const error = await rejection(call(COACH, 'write', [[foreignId], { note: 'coach' }]));
    expect(error.exceptionName).toBe('odoo.exceptions.AccessError');
  });
});

describe('model ACLs', () => {
  it('a member gets Odoo\'s ACL message on operator-only models', async () => {
    const error = await rejection(engine.call({ database: 'hp_legacy', uid: MEMBER1, model: 'hp.risk.rule', method: 'search', args: [[]], kwargs: {} }));
    expect(error.exceptionName).toBe('odoo.exceptions.AccessError');
    expect(error.message).toMatch(/^You are not allowed to access '.+' \(hp\.risk\.rule\) records\.\n\nThis operation is allowed for the following groups:\n(\t- .+\n)+\nContact your administrator to request access if necessary\.$/);
  });
});
