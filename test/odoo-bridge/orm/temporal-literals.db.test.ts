import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { plainlyValid } from '../../../odoo-bridge/orm/domain/temporal-literals.ts';
import { testClusterUrl } from '../../support/databases.ts';

const pool = new pg.Pool({ connectionString: testClusterUrl('postgres'), max: 2 });
afterAll(() => pool.end());

async function postgresAccepts(value: string): Promise<boolean> {
  const type = value.length > 10 ? 'timestamp' : 'date';
  try {
    await pool.query(`SELECT $1::${type}`, [value]);
    return true;
  } catch {
    return false;
  }
}

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
/** Date and date-time strings near the edges: month 0/13, day 0-32, Feb 29 of any year, hour 24, minute/second 60. */
const isoLike = fc
  .tuple(fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')), two(13), two(32), fc.option(fc.tuple(two(25), two(61), fc.option(two(61)), fc.option(fc.integer({ min: 0, max: 999999 })))))
  .map(([y, m, d, time]) => `${y}-${m}-${d}${time ? ` ${time[0]}:${time[1]}${time[2] !== null ? `:${time[2]}${time[3] !== null ? `.${time[3]}` : ''}` : ''}` : ''}`);

describe("the domain's date literals checked without PostgreSQL", () => {
  it('are only the ones PostgreSQL accepts, and the ordinary ones are among them', async () => {
    await fc.assert(
      fc.asyncProperty(isoLike, async (value) => {
        const accepted = await postgresAccepts(value);
        if (plainlyValid(value)) expect(accepted, value).toBe(true);
        // Every accepted ISO value with an ordinary year and time skips the round trip.
        if (accepted && !value.startsWith('0000') && !/ 24:| \d\d:\d\d:60/.test(value)) expect(plainlyValid(value), value).toBe(true);
      }),
      { numRuns: 400 },
    );
    for (const value of ['2024-02-29', '2023-02-29', '2024-13-01', '2024-04-31', '2024-01-01 23:59:59', '2024-01-01 24:00:00', 'not-a-date 23:59:59', '0000-01-01']) {
      if (plainlyValid(value)) expect(await postgresAccepts(value), value).toBe(true);
    }
    expect(plainlyValid('2024-02-29')).toBe(true);
    expect(plainlyValid('2023-02-29')).toBe(false);
    expect(plainlyValid('not-a-date 23:59:59')).toBe(false);
  });
});
