import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { pythonRound2 } from '../../../migration/legacy-addons/hp-growth.ts';
import { registerLegacyAddons } from '../../../migration/legacy-addons/index.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * hp_growth (M05) on the legacy side: res.users.coach_rating_avg follows the coach's ratings
 * (`round(mean(score), 2)`, 0.0 without any) through create, write and unlink of hp.rating,
 * and a write of unrelated res.users fields does not need it.
 */
const ADMIN = 2;
const MEMBER = 6;

let db: TestDatabase;
let engine: OrmEngine;

const call = (uid: number, method: string, args: unknown[]) => engine.call({ database: 'hp_legacy', uid, model: 'hp.rating', method, args, kwargs: {} });

async function stored(coach: number): Promise<number> {
  const { rows } = await db.pool.query<{ avg: string }>('SELECT coach_rating_avg::text AS avg FROM res_users WHERE id = $1', [coach]);
  return Number(rows[0]!.avg);
}
async function expected(coach: number): Promise<number> {
  const { rows } = await db.pool.query<{ total: string | null; n: string }>('SELECT sum(score)::text AS total, count(*)::text AS n FROM ratings WHERE coach_id = $1', [coach]);
  return Number(rows[0]!.n) ? pythonRound2(Number(rows[0]!.total) / Number(rows[0]!.n)) : 0;
}

beforeAll(async () => {
  db = await legacyDatabase();
  const behaviours = registerLegacyAddons(coreBehaviours(), { callModel: async () => { throw new Error('no cross-model call expected'); } });
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, behaviours });
});
afterAll(async () => {
  await db?.drop();
});

describe('coach_rating_avg on the legacy side', () => {
  it('rounds like Python: ties to even on the exact float', () => {
    expect(pythonRound2(33 / 8)).toBe(4.12);
    expect(pythonRound2(35 / 8)).toBe(4.38);
    expect(pythonRound2(13 / 3)).toBe(4.33);
    expect(pythonRound2(5)).toBe(5);
  });

  it('follows ratings created, rescored, moved and deleted', async () => {
    const [coachA, coachB] = (await db.pool.query<{ id: number }>(
      `SELECT u.id FROM res_users u JOIN ratings r ON r.coach_id = u.id GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id LIMIT 2`,
    )).rows.map((r) => r.id) as [number, number];
    // A member rates a coach (hp.rating: members may create).
    const rating = (await engine.call({ database: 'hp_legacy', uid: MEMBER, model: 'hp.rating', method: 'create', args: [{ coach_id: coachA, score: 1, comment: 'late' }], kwargs: {} })) as number;
    expect(await stored(coachA)).toBe(await expected(coachA));
    await call(ADMIN, 'write', [[rating], { score: 5 }]);
    expect(await stored(coachA)).toBe(await expected(coachA));
    await call(ADMIN, 'write', [[rating], { coach_id: coachB }]);
    expect(await stored(coachA)).toBe(await expected(coachA));
    expect(await stored(coachB)).toBe(await expected(coachB));
    await call(ADMIN, 'unlink', [[rating]]);
    expect(await stored(coachB)).toBe(await expected(coachB));
  });

  it('drops to 0.0 when a coach loses their last rating', async () => {
    const coach = 280;
    await db.pool.query('DELETE FROM ratings WHERE coach_id = $1', [coach]);
    const rating = (await call(ADMIN, 'create', [{ coach_id: coach, score: 4 }])) as number;
    expect(await stored(coach)).toBe(4);
    await call(ADMIN, 'unlink', [[rating]]);
    expect(await stored(coach)).toBe(0);
  });
});
