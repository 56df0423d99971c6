import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * discuss.channel `is_member` searched as mail's `_search_is_member` does: the caller's partner's
 * channels (discuss_channel_member), `in` for `= True` / `!= False`, `not in` otherwise. mail's
 * record rules on channels and channel members use it, so every read of a channel goes through it.
 */
let db: TestDatabase;
let engine: OrmEngine;
beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, filestore: null });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const search = (uid: number, domain: unknown[]) => engine.call({ database: 'odoo_ref', uid, model: 'discuss.channel', method: 'search', args: [domain], kwargs: { context: { active_test: false } } }) as Promise<number[]>;
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('discuss.channel is_member', () => {
  it("finds the caller's channels and, for any other leaf, the others (among those the rules let them see)", async () => {
    const { rows: users } = await db.pool.query<{ id: number }>(
      `SELECT u.id FROM res_users u WHERE u.active AND u.id > 1 AND EXISTS (SELECT 1 FROM discuss_channel_member m WHERE m.partner_id = u.partner_id) ORDER BY u.id`);
    expect(users.length).toBeGreaterThan(0);
    for (const { id: uid } of users) {
      const { rows } = await db.pool.query<{ id: number }>(
        `SELECT m.channel_id AS id FROM discuss_channel_member m JOIN res_users u ON u.partner_id = m.partner_id WHERE u.id = $1`, [uid]);
      const joined = new Set(rows.map((r) => r.id));
      const visible = await search(uid, []);
      const mine = sorted(visible.filter((id) => joined.has(id)));
      const others = sorted(visible.filter((id) => !joined.has(id)));
      expect(mine.length, `user ${uid} sees a channel of theirs`).toBeGreaterThan(0);
      expect(sorted(await search(uid, [['is_member', '=', true]]))).toEqual(mine);
      expect(sorted(await search(uid, [['is_member', '!=', false]]))).toEqual(mine);
      expect(sorted(await search(uid, [['is_member', '=', false]]))).toEqual(others);
      expect(sorted(await search(uid, [['is_member', 'in', [true]]]))).toEqual(others); // not '=' or '!=': `not in`
    }
  });
});
