import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserPolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { bucketLabel, weekNumber } from '../../../odoo-bridge/orm/methods/read-group-dates.ts';
import { odooRefDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * read_group's date and many2many rules, from odoo/models.py 18 (`_read_group_groupby`,
 * `_read_group_format_result`) and odoo/tools/date_utils.py (`weeknumber`). The expected
 * answers are worked out by hand from those rules on dates chosen to tell the rules apart
 * (Saturday/Sunday edges, a year boundary, a DST change inside a month).
 */
let db: TestDatabase;
let engine: OrmEngine;
const ORDERS = [1, 2, 3, 4];

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, access: superuserPolicy(db.pool), filestore: null });
  // 1: Saturday night UTC; 2: Sunday 03:00 UTC (Saturday evening in New York);
  // 3: Sunday 2023-12-31 (the week holding January 1st); 4: mid-March (DST starts inside the month in Brussels).
  await db.pool.query(`UPDATE sale_order SET date_order = v.d::timestamp FROM (VALUES
      (1, '2024-01-06 23:30:00'), (2, '2024-01-07 03:00:00'), (3, '2023-12-31 12:00:00'), (4, '2024-03-15 12:00:00')) AS v(id, d)
    WHERE sale_order.id = v.id`);
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

function readGroup(groupby: string[], context: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return engine.call({
    database: 'odoo_ref', uid: 2, model: 'sale.order', method: 'read_group',
    args: [[['id', 'in', ORDERS]], ['amount_total:sum'], groupby], kwargs: { context, ...extra },
  }) as Promise<Record<string, unknown>[]>;
}

describe('read_group by week', () => {
  it('starts weeks on Sunday for en_US (res.lang.week_start = 7) and numbers them from the week of January 1st', async () => {
    const groups = await readGroup(['date_order:week']);
    const weeks = groups.map((g) => [g['date_order:week'], g.date_order_count, g.__range]);
    expect(weeks).toEqual([
      ['W1 2024', 2, { 'date_order:week': { from: '2023-12-31 00:00:00', to: '2024-01-07 00:00:00' } }],
      ['W2 2024', 1, { 'date_order:week': { from: '2024-01-07 00:00:00', to: '2024-01-14 00:00:00' } }],
      ['W11 2024', 1, { 'date_order:week': { from: '2024-03-10 00:00:00', to: '2024-03-17 00:00:00' } }],
    ]);
    expect(groups[0]!.__domain).toEqual(['&', ['id', 'in', ORDERS], '&', ['date_order', '>=', '2023-12-31 00:00:00'], ['date_order', '<', '2024-01-07 00:00:00']]);
  });

  it('follows the language record: a Monday week_start gives Monday buckets', async () => {
    await db.pool.query(`UPDATE res_lang SET week_start = '1' WHERE code = 'en_US'`);
    try {
      const groups = await readGroup(['date_order:week']);
      expect(groups.map((g) => (g.__range as Record<string, { from: string }>)['date_order:week']!.from)).toEqual([
        '2023-12-25 00:00:00', '2024-01-01 00:00:00', '2024-03-11 00:00:00',
      ]);
    } finally {
      await db.pool.query(`UPDATE res_lang SET week_start = '7' WHERE code = 'en_US'`);
    }
  });

  it('numbers weeks like date_utils.weeknumber for Sunday and ISO locales', () => {
    expect(weekNumber('en_US', 2023, 12, 31)).toEqual([2024, 1]); // in the week holding 2024-01-01
    expect(weekNumber('en_US', 2024, 1, 7)).toEqual([2024, 2]);
    expect(weekNumber('en_US', 2022, 1, 1)).toEqual([2022, 1]); // Saturday Jan 1st: week 1 of 2022
    expect(weekNumber('en_US', 2022, 1, 2)).toEqual([2022, 2]);
    expect(weekNumber('de_DE', 2021, 1, 1)).toEqual([2020, 53]); // ISO
    expect(weekNumber('de_DE', 2024, 12, 30)).toEqual([2025, 1]);
  });

  it('labels hours on the 12-hour clock (babel hh:00 dd MMM) and quarters as Qn yyyy', () => {
    expect(bucketLabel('2024-01-06 23:00:00', 'hour', 'en_US')).toBe('11:00 06 Jan');
    expect(bucketLabel('2024-01-06 00:00:00', 'hour', 'en_US')).toBe('12:00 06 Jan');
    expect(bucketLabel('2024-01-06 12:00:00', 'hour', 'en_US')).toBe('12:00 06 Jan');
    expect(bucketLabel('2024-07-01', 'quarter', 'en_US')).toBe('Q3 2024');
  });
});

describe('read_group in the context tz', () => {
  it('buckets datetimes in local time and answers the bounds in UTC', async () => {
    const groups = await readGroup(['date_order:day'], { tz: 'America/New_York' });
    expect(groups.map((g) => [g['date_order:day'], g.date_order_count, (g.__range as Record<string, unknown>)['date_order:day']])).toEqual([
      ['31 Dec 2023', 1, { from: '2023-12-31 05:00:00', to: '2024-01-01 05:00:00' }],
      ['06 Jan 2024', 2, { from: '2024-01-06 05:00:00', to: '2024-01-07 05:00:00' }],
      ['15 Mar 2024', 1, { from: '2024-03-15 04:00:00', to: '2024-03-16 04:00:00' }],
    ]);
    const weeks = await readGroup(['date_order:week'], { tz: 'America/New_York' });
    expect(weeks.map((g) => [g['date_order:week'], g.date_order_count])).toEqual([['W1 2024', 3], ['W11 2024', 1]]);
  });

  it('takes each bound’s own UTC offset when DST changes inside the bucket', async () => {
    const groups = await readGroup(['date_order:month'], { tz: 'Europe/Brussels' });
    const march = groups.find((g) => g['date_order:month'] === 'March 2024')!;
    expect(march.__range).toEqual({ 'date_order:month': { from: '2024-02-29 23:00:00', to: '2024-03-31 22:00:00' } });
    expect(march.__domain).toEqual(['&', ['id', 'in', ORDERS], '&', ['date_order', '>=', '2024-02-29 23:00:00'], ['date_order', '<', '2024-03-31 22:00:00']]);
  });

  it('groups in UTC when the tz is unknown, as Odoo does after logging a warning', async () => {
    const groups = await readGroup(['date_order:day'], { tz: "Mars/Olympus'; DROP TABLE x" });
    expect(groups.map((g) => g['date_order:day'])).toEqual(['31 Dec 2023', '06 Jan 2024', '07 Jan 2024', '15 Mar 2024']);
  });

  it('keys a groupby without granularity by the name given, grouped by month', async () => {
    const groups = await readGroup(['date_order'], { tz: 'Asia/Tokyo' });
    expect(groups.map((g) => [g.date_order, Object.keys(g.__range as object)])).toEqual([
      ['December 2023', ['date_order']], ['January 2024', ['date_order']], ['March 2024', ['date_order']],
    ]);
  });

  it('groups by number granularities (day_of_week from the first weekday)', async () => {
    const groups = await readGroup(['date_order:day_of_week'], {}, { lazy: false });
    // Sunday = 0 and Saturday = 6 when weeks start on Sunday; 2024-03-15 is a Friday.
    expect(groups.map((g) => [g['date_order:day_of_week'], g.__count])).toEqual([[0, 2], [5, 1], [6, 1]]);
    expect(groups[0]!.__domain).toEqual(['&', ['id', 'in', ORDERS], ['date_order.day_of_week', '=', 0]]);
    expect(groups[0]).not.toHaveProperty('__range');
  });
});

describe('read_group by a many2many', () => {
  it('makes one group per related record plus False, with a not-in domain for False', async () => {
    const groups = (await engine.call({
      database: 'odoo_ref', uid: 2, model: 'res.partner', method: 'read_group',
      args: [[], ['id:count'], ['category_id']], kwargs: {},
    })) as Record<string, unknown>[];
    const { rows: expected } = await db.pool.query<{ category: number | null; n: number }>(
      `SELECT r.category_id AS category, count(*)::int AS n FROM res_partner p
         LEFT JOIN res_partner_res_partner_category_rel r ON r.partner_id = p.id
        WHERE p.active GROUP BY r.category_id ORDER BY r.category_id NULLS LAST`,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(groups.map((g) => [g.category_id === false ? null : (g.category_id as [number, string])[0], g.category_id_count])).toEqual(
      expected.map((r) => [r.category, r.n]),
    );
    const [first] = (await engine.call({ database: 'odoo_ref', uid: 2, model: 'res.partner.category', method: 'read', args: [[expected[0]!.category]], kwargs: { fields: ['display_name'] } })) as { id: number; display_name: string }[];
    expect(groups[0]!.category_id).toEqual([first!.id, first!.display_name]);
    expect(groups[0]!.__domain).toEqual([['category_id', '=', expected[0]!.category]]);
    const others = expected.filter((r) => r.category !== null).map((r) => r.category);
    expect(groups.at(-1)!.__domain).toEqual([['category_id', 'not in', others]]);
  });
});
