import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The web client's save and kanban progress bars (web/models/models.py): web_save writes or
 * creates then web_reads in the same transaction; read_progress_bar counts read_group's groups
 * per colour of the bar.
 */
const ADMIN = 2;
/** A member (uids 6–245 in the legacy demo) who has goals. */
let MEMBER = 0;
let db: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore: null });
  MEMBER = (await db.pool.query<{ id: number }>(`SELECT min(user_id) AS id FROM health_goals WHERE user_id BETWEEN 6 AND 245`)).rows[0]!.id;
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs });

describe('web_save', () => {
  it('writes the records and answers web_read of the specification', async () => {
    const { rows: [binding] } = await db.pool.query<{ id: number }>(`INSERT INTO device_bindings (user_id, device_type, serial, active) VALUES ($1, 'watch', 'WEB-SAVE-0', true) RETURNING id`, [MEMBER]);
    const { rows: [user] } = await db.pool.query<{ name: string }>(`SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [MEMBER]);
    const answer = await call(MEMBER, 'hp.device.binding', 'web_save', [[binding!.id], { vendor: 'Saved Vendor' }], { specification: { vendor: {}, active: {}, user_id: { fields: { display_name: {} } } } });
    expect(answer).toEqual([{ id: binding!.id, vendor: 'Saved Vendor', active: true, user_id: { id: MEMBER, display_name: user!.name } }]);
  });

  it('creates a record from vals when called on none, and reads next_id instead when given', async () => {
    const [created] = (await call(MEMBER, 'hp.device.binding', 'web_save', [[], { user_id: MEMBER, device_type: 'scale', serial: 'WEB-SAVE-1' }], { specification: { active: {}, device_type: {} } })) as { id: number }[];
    expect(created).toMatchObject({ active: true, device_type: 'scale' });
    const { rows } = await db.pool.query(`SELECT user_id, create_uid FROM device_bindings WHERE id = $1`, [created!.id]);
    expect(rows[0]).toEqual({ user_id: MEMBER, create_uid: MEMBER });
    const next = await call(ADMIN, 'res.partner', 'web_save', [[7], { comment: 'saved' }], { specification: { name: {} }, next_id: 3 });
    expect(next).toEqual([{ id: 3, name: (await db.pool.query(`SELECT name FROM res_partner WHERE id = 3`)).rows[0].name }]);
  });

  it('undoes the write when the read that follows is refused (one transaction, as in Odoo)', async () => {
    const before = (await db.pool.query(`SELECT comment FROM res_partner WHERE id = 7`)).rows[0].comment;
    await expect(call(ADMIN, 'res.partner', 'web_save', [[7], { comment: 'not kept' }], { specification: { no_such_field: {} } })).rejects.toBeTruthy();
    expect((await db.pool.query(`SELECT comment FROM res_partner WHERE id = 7`)).rows[0].comment).toBe(before);
  });
});

describe('read_progress_bar', () => {
  it('counts each colour per group value, as read_group over (group_by, field) does', async () => {
    const bar = { field: 'state', colors: { active: 'info', achieved: 'success', missing: 'danger' } };
    const answer = (await call(ADMIN, 'hp.health.goal', 'read_progress_bar', [[], 'goal_type', bar])) as Record<string, Record<string, number>>;
    const { rows } = await db.pool.query<{ goal_type: string; state: string; n: number }>(`SELECT goal_type, state, count(*)::int AS n FROM health_goals GROUP BY 1, 2`);
    const expected: Record<string, Record<string, number>> = {};
    for (const row of rows) {
      expected[row.goal_type] ??= { active: 0, achieved: 0, missing: 0 };
      if (row.state in expected[row.goal_type]!) expected[row.goal_type]![row.state]! += row.n;
    }
    expect(answer).toEqual(expected);
    expect(Object.keys(answer.steps!)).toEqual(['active', 'achieved', 'missing']);
  });

  it("keys a many2one group by its id as text, and applies the caller's record rules", async () => {
    const answer = (await call(MEMBER, 'hp.health.goal', 'read_progress_bar', [[], 'user_id', { field: 'state', colors: { active: '', achieved: '', abandoned: '' } }])) as Record<string, Record<string, number>>;
    expect(Object.keys(answer)).toEqual([String(MEMBER)]);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM health_goals WHERE user_id = $1`, [MEMBER]);
    expect(Object.values(answer[String(MEMBER)]!).reduce((a, b) => a + b, 0)).toBe(rows[0]!.n);
  });
});
