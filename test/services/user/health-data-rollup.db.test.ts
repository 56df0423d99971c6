import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthDataStack, type HealthDataStack } from './health-data-stack.ts';

const MEMBER = 6;
const OTHER = 7;

let stack: HealthDataStack;
const svc = () => stack.service.pool;

beforeAll(async () => {
  stack = await startHealthDataStack({ owner: 'service' });
  await svc().query(`UPDATE res_partner SET tz = 'Europe/Berlin' WHERE id IN (SELECT partner_id FROM res_users WHERE id IN ($1, $2))`, [MEMBER, OTHER]);
  await svc().query(`SELECT health_rollup_rezone(u, 'Europe/Berlin') FROM unnest($1::int[]) AS u`, [[MEMBER, OTHER]]);
}, 180_000);
afterAll(async () => stack?.stop());

/**
 * The member's rollup rows that differ from their readings grouped afresh by local day (either
 * way), with the same statistics: empty when the triggers kept it exact. Groups left with count 0
 * are not rows of the readings and are skipped.
 */
async function rollupDrift(uid: number): Promise<unknown[]> {
  const { rows } = await svc().query(
    `WITH zone AS (SELECT time_zone FROM health_rollup_zones WHERE user_id = $1),
     fresh AS (
       SELECT r.record_type::text AS type, r.unit::text AS unit, ((r.measured_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date AS day,
              count(*)::int AS n, count(r.value)::int AS n1, sum(r.value::text::numeric) AS s1, min(r.value) AS min1, max(r.value) AS max1,
              (array_agg(r.value ORDER BY r.measured_at DESC, r.id DESC) FILTER (WHERE r.value IS NOT NULL))[1] AS last1,
              count(r.value2)::int AS n2, sum(r.value2::text::numeric) AS s2, min(r.value2) AS min2, max(r.value2) AS max2
         FROM health_records AS r, zone AS z WHERE r.user_id = $1 GROUP BY 1, 2, 3),
     kept AS (
       SELECT d.record_type::text, d.unit::text, d.day, d.count, d.value_count, d.value_sum, d.value_min, d.value_max, d.value_last,
              d.value2_count, d.value2_sum, d.value2_min, d.value2_max
         FROM health_daily_rollup AS d, zone AS z WHERE d.user_id = $1 AND d.time_zone = z.time_zone AND d.count > 0)
     (SELECT 'missing' AS side, * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) AS a)
     UNION ALL
     (SELECT 'extra', * FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) AS b)`,
    [uid],
  );
  return rows;
}

/** Runs `work` in its own transaction at `isolation`, again after a serialization failure or deadlock (as the ORM engine does). */
async function inTransaction(isolation: 'READ COMMITTED' | 'REPEATABLE READ', work: (client: pg.PoolClient) => Promise<void>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const client = await svc().connect();
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      await work(client);
      await client.query('COMMIT');
      return attempt;
    } catch (error) {
      await client.query('ROLLBACK');
      if (!['40001', '40P01'].includes((error as { code?: string }).code ?? '') || attempt > 50) throw error;
    } finally {
      client.release();
    }
  }
}

const reading = (uid: number, value: number, at: string) => ({
  text: `INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source) VALUES ($1, 'heart_rate', $2, 'bpm', $3::timestamp, 'device')`,
  values: [uid, value, at],
});

describe('the daily rollup of health records (migration 0004)', () => {
  it('stays exact under concurrent writers of the same member and day, in READ COMMITTED (REST, sync) and REPEATABLE READ with retries (the ORM engine): inserts, updates, deletes', async () => {
    await svc().query('DELETE FROM health_records WHERE user_id = $1', [MEMBER]);
    const hours = Array.from({ length: 40 }, (_, i) => `2026-03-29 ${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}:00`);
    await Promise.all(hours.map((at, i) =>
      inTransaction(i % 2 ? 'REPEATABLE READ' : 'READ COMMITTED', async (client) => {
        await client.query(reading(MEMBER, 60 + i, at));
        // A second statement in the same transaction: a later day, and a change of an earlier reading.
        await client.query(reading(MEMBER, 100 + i, '2026-03-30 12:00:00'));
        await client.query(`UPDATE health_records SET value = value + 0.01 WHERE id = (SELECT max(id) FROM health_records WHERE user_id = $1 AND value = $2)`, [MEMBER, 100 + i]);
        if (i % 5 === 0) await client.query(`DELETE FROM health_records WHERE id = (SELECT max(id) FROM health_records WHERE user_id = $1 AND value < 80)`, [MEMBER]);
      }),
    ));
    expect(await rollupDrift(MEMBER)).toEqual([]);
    // Every reading is in the rollup (the drift query is not vacuous): 80 inserted, 8 deleted. (Retries
    // happen when two REPEATABLE READ writers touch one day: see the next test.)
    const { rows: [totals] } = await svc().query(
      `SELECT (SELECT count(*)::int FROM health_records WHERE user_id = $1) AS readings,
              (SELECT sum(count)::int FROM health_daily_rollup WHERE user_id = $1 AND time_zone = 'Europe/Berlin') AS kept`, [MEMBER]);
    expect(totals).toEqual({ readings: 72, kept: 72 });
  }, 120_000);

  it('a READ COMMITTED writer of a day another transaction is writing waits for it and counts its reading (no lost update)', async () => {
    await svc().query('DELETE FROM health_records WHERE user_id = $1', [MEMBER]);
    const first = await svc().connect();
    try {
      await first.query('BEGIN');
      await first.query(reading(MEMBER, 70, '2026-05-02 08:00:00'));
      // The second writer's statement starts while the first is uncommitted: its own reading only, unless it waits.
      const second = svc().query(reading(MEMBER, 80, '2026-05-02 09:00:00'));
      await new Promise((r) => setTimeout(r, 300));
      await first.query('COMMIT');
      await second;
    } finally {
      first.release();
    }
    expect(await rollupDrift(MEMBER)).toEqual([]);
    expect((await svc().query(`SELECT count, value_min, value_max FROM health_daily_rollup WHERE user_id = $1 AND day = '2026-05-02'`, [MEMBER])).rows).toEqual([{ count: 2, value_min: 70, value_max: 80 }]);
  });

  it('a REPEATABLE READ writer whose snapshot misses a committed write of the same day fails with a serialization error (retried by the engine) instead of overwriting the day', async () => {
    await svc().query('DELETE FROM health_records WHERE user_id = $1', [MEMBER]);
    await svc().query(reading(MEMBER, 70, '2026-05-01 08:00:00'));
    const late = await svc().connect();
    try {
      await late.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await late.query('SELECT count(*) FROM health_records'); // its snapshot
      await svc().query(reading(MEMBER, 80, '2026-05-01 09:00:00')); // committed after it
      await expect(late.query(reading(MEMBER, 90, '2026-05-01 10:00:00'))).rejects.toMatchObject({ code: '40001' });
      await late.query('ROLLBACK');
    } finally {
      late.release();
    }
    expect(await rollupDrift(MEMBER)).toEqual([]);
    expect((await svc().query(`SELECT count, value_max FROM health_daily_rollup WHERE user_id = $1 AND day = '2026-05-01'`, [MEMBER])).rows).toEqual([{ count: 2, value_max: 80 }]);
  });

  it('is kept by a writer that skips ordinary triggers (session_replication_role = replica: the sync\'s appliers, a reconcile repair), in batches, and is emptied by TRUNCATE', async () => {
    await svc().query('DELETE FROM health_records WHERE user_id IN ($1, $2)', [MEMBER, OTHER]);
    await inTransaction('READ COMMITTED', async (client) => {
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(
        `INSERT INTO health_records (user_id, record_type, value, value2, unit, measured_at, source)
         SELECT u, 'blood_pressure', 100 + h % 40, 60 + h % 20, 'mmHg', '2026-01-01'::timestamp + interval '37 minutes' * h, 'device'
           FROM generate_series(0, 999) AS h, unnest($1::int[]) AS u`,
        [[MEMBER, OTHER]],
      );
      await client.query(`UPDATE health_records SET measured_at = measured_at + interval '11 hours' WHERE user_id = $1 AND id % 3 = 0`, [OTHER]);
      await client.query(`DELETE FROM health_records WHERE user_id = $1 AND id % 7 = 0`, [MEMBER]);
    });
    expect(await rollupDrift(MEMBER)).toEqual([]);
    expect(await rollupDrift(OTHER)).toEqual([]);
    expect(Number((await svc().query('SELECT sum(count) AS n FROM health_daily_rollup WHERE user_id = $1', [OTHER])).rows[0].n)).toBe(1000);
    await svc().query('TRUNCATE health_records');
    expect(Number((await svc().query('SELECT count(*) AS n FROM health_daily_rollup')).rows[0].n)).toBe(0);
  }, 120_000);

  it('a member\'s first readings give them a zone row in their partner\'s zone; a tz change is answered from the readings while the rollup moves to the new zone', async () => {
    const newcomer = (await svc().query<{ id: number }>(`SELECT u.id FROM res_users AS u WHERE u.id NOT IN (SELECT user_id FROM health_rollup_zones) AND u.id > 7 ORDER BY u.id LIMIT 1`)).rows[0]!.id;
    await svc().query(`UPDATE res_partner SET tz = 'America/St_Johns' WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)`, [newcomer]);
    await svc().query(reading(newcomer, 70, '2026-06-01 02:00:00'));
    expect((await svc().query('SELECT time_zone FROM health_rollup_zones WHERE user_id = $1', [newcomer])).rows[0]?.time_zone).toBe('America/St_Johns');
    // 02:00 UTC is 23:30 the day before in St John's (UTC-2:30 in summer).
    expect((await svc().query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM health_daily_rollup WHERE user_id = $1`, [newcomer])).rows).toEqual([{ day: '2026-05-31' }]);
    expect(await rollupDrift(newcomer)).toEqual([]);

    await svc().query(`UPDATE res_partner SET tz = 'Asia/Kolkata' WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)`, [newcomer]);
    const read = async () => (await stack.call('GET', `/users/${newcomer}/health-data?aggregate=day`, stack.token(newcomer))).body.items.map((i: { period: string; count: number }) => [i.period, i.count]);
    // 02:00 UTC is 07:30 the same day in Kolkata: the first read already says so (from the readings).
    expect(await read()).toEqual([['2026-06-01', 1]]);
    for (let i = 0; i < 50 && (await svc().query('SELECT time_zone FROM health_rollup_zones WHERE user_id = $1', [newcomer])).rows[0]?.time_zone !== 'Asia/Kolkata'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await svc().query('SELECT time_zone FROM health_rollup_zones WHERE user_id = $1', [newcomer])).rows[0]?.time_zone).toBe('Asia/Kolkata');
    expect(await rollupDrift(newcomer)).toEqual([]);
    expect(await read()).toEqual([['2026-06-01', 1]]);
  }, 120_000);
});
