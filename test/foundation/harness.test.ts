import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { legacyDatabase, odooRefDatabase, type TestDatabase } from '../support/databases.ts';
import { startRedis } from '../support/redis.ts';

describe('test harness', () => {
  const made: TestDatabase[] = [];
  afterAll(async () => Promise.all(made.map((db) => db.drop())));

  it('gives each caller its own pristine copy of the legacy database (time printed)', async () => {
    // The copy forces a checkpoint, which also flushes whatever the suites running beside this
    // one have written; the fastest of three copies is what the harness itself costs.
    const timings: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = performance.now();
      made.push(await legacyDatabase());
      timings.push(performance.now() - started);
    }
    // Printed, not asserted: a load of 10 on two cores stretches a copy well past its quiet 0.3 s.
    console.log(`pristine copies took ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
    const first = made[0]!;

    await first.pool.query(`UPDATE res_partner SET name = 'changed' WHERE id = 3`);
    const second = await legacyDatabase();
    made.push(second);
    const { rows } = await second.pool.query(`SELECT name FROM res_partner WHERE id = 3`);
    expect(rows[0].name).not.toBe('changed');
    const users = await second.pool.query(`SELECT count(*)::int AS n FROM res_users`);
    expect(users.rows[0].n).toBeGreaterThanOrEqual(300);
  });

  it('restores the golden reference database too', async () => {
    const ref = await odooRefDatabase();
    made.push(ref);
    const { rows } = await ref.pool.query(`SELECT count(*)::int AS n FROM sale_order`);
    expect(rows[0].n).toBe(20);
  });

  it('starts a real redis-server on a free port', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    try {
      await client.set('ficus', 'ok');
      expect(await client.get('ficus')).toBe('ok');
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
