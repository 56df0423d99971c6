import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * `read` of ids that do not exist, as a real Odoo 18 answered on hp_legacy (recorded over XML-RPC
 * on 2026-12-07): `_read_format` drops a record whose field read raises MissingError, and `id`
 * alone raises none, so `read(ids, ['id'])` answers every id asked. The read rules come first: an
 * id the caller may not read still fails the whole call.
 */
const ADMIN = 2;
const MEMBER = 6;
const MISSING = 999_999;
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const read = (uid: number, model: string, ids: number[], fields: string[]) =>
  engine.call({ database: 'hp_legacy', uid, model, method: 'read', args: [ids], kwargs: { fields } });

describe('read of missing ids', () => {
  it("answers every id asked for ['id'], and leaves a missing record out as soon as another field is read", async () => {
    expect(await read(ADMIN, 'res.partner', [3, MISSING], ['id'])).toEqual([{ id: 3 }, { id: MISSING }]);
    expect(await read(ADMIN, 'res.partner', [3, MISSING], ['id', 'name'])).toEqual([{ id: 3, name: 'Administrator' }]);
    expect(await read(ADMIN, 'res.partner', [3, MISSING], ['display_name'])).toEqual([{ id: 3, display_name: 'Administrator' }]);
    expect(await read(MEMBER, 'hp.health.record', [MISSING], ['id'])).toEqual([{ id: MISSING }]);
    expect(await read(MEMBER, 'hp.health.record', [MISSING], ['id', 'record_type'])).toEqual([]);
    expect(await read(MEMBER, 'res.partner', [MISSING], ['id'])).toEqual([{ id: MISSING }]);
  });

  it("still refuses an id the caller's rules hide, with or without a missing one beside it", async () => {
    const { rows: [other] } = await db.pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id <> $1 ORDER BY id LIMIT 1', [MEMBER]);
    for (const ids of [[other!.id], [other!.id, MISSING]]) {
      await expect(read(MEMBER, 'hp.health.record', ids, ['id'])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
    }
  });
});
