import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessPorts } from '../../../services/kit/access/access-port.ts';
import { decideHealthRead } from '../../../services/user/domain/health-read-access.ts';
import { startHealthDataStack, type HealthDataStack } from './health-data-stack.ts';

// Users of the legacy database (README): members 6.., coaches 246.., merchants 286.., operator 302 (not admin), admin 2.
const MEMBER = 6;
const OTHER = 7;
const COACH = 246;
const MERCHANT = 286;
const OPERATOR = 302;
const ADMIN = 2;

let stack: HealthDataStack;
const get = (uid: number, path: string) => stack.call('GET', path, stack.token(uid));
const svc = () => stack.service.pool;

beforeAll(async () => {
  stack = await startHealthDataStack({ owner: 'service' });
}, 180_000);
afterAll(async () => stack?.stop());

/** Replaces `uid`'s health records in `pool` by these readings (UTC timestamps), returning their ids in order. */
async function plant(pool = svc(), uid: number, readings: { type: string; value: number | null; value2?: number | null; unit: string | null; at: string }[]): Promise<number[]> {
  await pool.query('DELETE FROM health_records WHERE user_id = $1', [uid]);
  if (!readings.length) return [];
  // Ids drawn first, in the readings' order: ties in measured_at are ordered by id.
  const { rows } = await pool.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('health_records', 'id'))::int AS id FROM generate_series(1, $1)`, [readings.length]);
  const ids = rows.map((r) => r.id);
  await pool.query(
    `INSERT INTO health_records (id, user_id, record_type, value, value2, unit, measured_at, source)
     SELECT r.id, $1, r.type, r.value, r.value2, r.unit, r.at::timestamp, 'manual' FROM jsonb_to_recordset($2::jsonb) AS r(id int, type text, value float8, value2 float8, unit text, at text)`,
    [uid, JSON.stringify(readings.map((r, i) => ({ value2: null, ...r, id: ids[i] })))],
  );
  return ids;
}

const setTz = (uid: number, tz: string | null, pool = svc()) =>
  pool.query('UPDATE res_partner SET tz = $2 WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)', [uid, tz]);

describe('GET /users/{id}/health-data: who may read whose', () => {
  beforeEach(async () => {
    await plant(svc(), MEMBER, [{ type: 'heart_rate', value: 61, unit: 'bpm', at: '2026-11-20 08:00:00' }]);
    await plant(svc(), OTHER, [{ type: 'heart_rate', value: 77, unit: 'bpm', at: '2026-11-20 09:00:00' }]);
  });

  it('a member reads their own records; another member\'s is 403 problem+json; a user that does not exist is 404', async () => {
    const own = await get(MEMBER, `/users/${MEMBER}/health-data`);
    expect(own.status, own.text).toBe(200);
    expect(own.body).toMatchObject({ userId: MEMBER, aggregate: null, next: null });
    expect(own.body.items.map((i: any) => i.value)).toEqual([61]);
    const other = await get(MEMBER, `/users/${OTHER}/health-data?aggregate=day`);
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // A problem, nothing of the records: no items, no value in the detail.
    expect(Object.keys(other.body).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    expect(other.body.detail).toBe(`the record rules of hp.health.record do not allow user ${MEMBER} to read the records of user ${OTHER}`);
    const merchant = await get(MERCHANT, `/users/${OTHER}/health-data`);
    expect(merchant.status).toBe(403);
    const nobody = await get(COACH, '/users/999999/health-data');
    expect(nobody.status).toBe(404);
    expect(nobody.body.detail).toBe('user 999999 does not exist');
  });

  it('coaches, operators and admins read any member\'s records', async () => {
    for (const uid of [COACH, OPERATOR, ADMIN]) {
      const read = await get(uid, `/users/${OTHER}/health-data?aggregate=month`);
      expect(read.status, `${uid}: ${read.text}`).toBe(200);
      expect(read.body.items).toHaveLength(1);
      expect(read.body.items[0]).toMatchObject({ type: 'heart_rate', unit: 'bpm', count: 1, min: 77, max: 77, mean: 77, last: 77 });
    }
  });

  it('refuses a query the schema does not allow with 400 and the offending parameter', async () => {
    const bad = await get(MEMBER, `/users/${MEMBER}/health-data?aggregate=year&limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.pointer).sort()).toEqual(['/query/aggregate', '/query/limit']);
    const cursor = await get(MEMBER, `/users/${MEMBER}/health-data?cursor=bm90LWEtY3Vyc29y`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].pointer).toBe('/query/cursor');
    expect((await stack.call('GET', `/users/${MEMBER}/health-data`, null)).status).toBe(401);
  });
});

describe('GET /users/{id}/health-data: readings and pages', () => {
  it('lists readings newest first (ties by id), filtered by type and range, a page at a time through the next link', async () => {
    const readings = Array.from({ length: 23 }, (_, i) => ({
      type: i % 3 === 0 ? 'blood_pressure' : 'heart_rate',
      value: 100 + i,
      value2: i % 3 === 0 ? 70 + i : null,
      unit: i % 3 === 0 ? 'mmHg' : 'bpm',
      // Pairs of readings at the same second: the page boundary must split them by id.
      at: `2026-11-${String(1 + Math.floor(i / 2)).padStart(2, '0')} 12:00:00`,
    }));
    const ids = await plant(svc(), MEMBER, readings);
    const expected = ids.map((id, i) => ({ id, ...readings[i]! })).sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
    const seen: any[] = [];
    let path: string | null = `/users/${MEMBER}/health-data?limit=4`;
    while (path) {
      const page = await get(MEMBER, path);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items);
      path = page.body.next;
    }
    expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(seen[0]).toEqual({ id: expected[0]!.id, type: expected[0]!.type, value: expected[0]!.value, value2: expected[0]!.value2, unit: expected[0]!.unit, measuredAt: '2026-11-12T12:00:00Z', source: 'manual', deviceBindingId: null, note: null });

    const bp = await get(MEMBER, `/users/${MEMBER}/health-data?type=blood_pressure&from=2026-11-03T12:00:00Z&to=2026-11-10`);
    expect(bp.body.items.map((r: any) => r.measuredAt)).toEqual(['2026-11-08T12:00:00Z', '2026-11-07T12:00:00Z', '2026-11-05T12:00:00Z', '2026-11-04T12:00:00Z']);
    expect(bp.body.items.every((r: any) => r.type === 'blood_pressure' && r.value2 !== null)).toBe(true);
  });

  it('aggregates per day in the user\'s time zone: a DST day is 23 hours, and a reading belongs to its local day', async () => {
    await setTz(MEMBER, 'Europe/Berlin');
    await plant(svc(), MEMBER, [
      { type: 'weight', value: 80, unit: 'kg', at: '2026-03-28 22:59:59' }, // 23:59:59 CET, 28 March
      { type: 'weight', value: 81, unit: 'kg', at: '2026-03-28 23:00:00' }, // 00:00 CET, 29 March
      { type: 'weight', value: 79, unit: 'kg', at: '2026-03-29 21:59:59' }, // 23:59:59 CEST, 29 March
      { type: 'weight', value: 82, unit: 'kg', at: '2026-03-29 22:00:00' }, // 00:00 CEST, 30 March
    ]);
    const days = await get(MEMBER, `/users/${MEMBER}/health-data?aggregate=day`);
    expect(days.body.timeZone).toBe('Europe/Berlin');
    expect(days.body.items).toEqual([
      { period: '2026-03-30', start: '2026-03-29T22:00:00Z', end: '2026-03-30T22:00:00Z', type: 'weight', unit: 'kg', count: 1, min: 82, max: 82, mean: 82, last: 82 },
      { period: '2026-03-29', start: '2026-03-28T23:00:00Z', end: '2026-03-29T22:00:00Z', type: 'weight', unit: 'kg', count: 2, min: 79, max: 81, mean: 80, last: 79 },
      { period: '2026-03-28', start: '2026-03-27T23:00:00Z', end: '2026-03-28T23:00:00Z', type: 'weight', unit: 'kg', count: 1, min: 80, max: 80, mean: 80, last: 80 },
    ]);
    const weeks = await get(MEMBER, `/users/${MEMBER}/health-data?aggregate=week`);
    expect(weeks.body.items.map((w: any) => [w.period, w.count])).toEqual([['2026-03-30', 1], ['2026-03-23', 3]]);
    await setTz(MEMBER, 'Not/AZone');
    expect((await get(MEMBER, `/users/${MEMBER}/health-data?aggregate=day`)).body.timeZone).toBe('UTC');
    await setTz(MEMBER, null);
  });

  it('where midnight happens twice (Havana falls back from 01:00 to 00:00) the day starts at the first; where it never happens (00:00 becomes 01:00), at 01:00', async () => {
    await setTz(MEMBER, 'America/Havana');
    await plant(svc(), MEMBER, [
      { type: 'weight', value: 70, unit: 'kg', at: '2026-11-01 03:59:59' }, // 23:59:59 CDT, 31 October
      { type: 'weight', value: 71, unit: 'kg', at: '2026-11-01 04:30:00' }, // 00:30 CDT, 1 November (the first pass)
      { type: 'weight', value: 72, unit: 'kg', at: '2026-11-01 05:30:00' }, // 00:30 CST, 1 November (the second)
      { type: 'weight', value: 60, unit: 'kg', at: '2026-03-08 04:59:59' }, // 23:59:59 CST, 7 March; then 00:00 becomes 01:00 CDT
      { type: 'weight', value: 61, unit: 'kg', at: '2026-03-08 05:00:00' }, // 01:00 CDT, 8 March (its first moment)
    ]);
    const days = await get(MEMBER, `/users/${MEMBER}/health-data?aggregate=day&limit=400`);
    expect(days.body.items.map((d: any) => [d.period, d.start, d.end, d.count, d.last])).toEqual([
      ['2026-11-01', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 2, 72],
      ['2026-10-31', '2026-10-31T04:00:00Z', '2026-11-01T04:00:00Z', 1, 70],
      ['2026-03-08', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 1, 61],
      ['2026-03-07', '2026-03-07T05:00:00Z', '2026-03-08T05:00:00Z', 1, 60],
    ]);
    await setTz(MEMBER, null);
  });

  it('aggregates blood pressure\'s value2 too; another member\'s readings at the same times never enter an aggregate, even a coach\'s', async () => {
    await setTz(MEMBER, null);
    await plant(svc(), MEMBER, [
      { type: 'blood_pressure', value: 120, value2: 80, unit: 'mmHg', at: '2026-11-20 08:00:00' },
      { type: 'blood_pressure', value: 140, value2: 90, unit: 'mmHg', at: '2026-11-20 20:00:00' },
    ]);
    await plant(svc(), OTHER, [{ type: 'blood_pressure', value: 200, value2: 130, unit: 'mmHg', at: '2026-11-20 12:00:00' }]);
    for (const uid of [MEMBER, COACH]) {
      const day = await get(uid, `/users/${MEMBER}/health-data?aggregate=day&type=blood_pressure`);
      expect(day.body.items).toEqual([{
        period: '2026-11-20', start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z', type: 'blood_pressure', unit: 'mmHg',
        count: 2, min: 120, max: 140, mean: 130, last: 140, value2: { min: 80, max: 90, mean: 85, last: 90 },
      }]);
    }
  });
});

describe('GET /users/{id}/health-data: where the rows live', () => {
  it('reads the monolith\'s rows while M02 is legacy and svc_user\'s after cutover', async () => {
    await plant(stack.legacy.pool, MEMBER, [{ type: 'steps', value: 1111, unit: 'steps', at: '2026-11-01 10:00:00' }]);
    await plant(svc(), MEMBER, [{ type: 'steps', value: 2222, unit: 'steps', at: '2026-11-01 10:00:00' }]);
    try {
      await stack.setOwner('legacy');
      expect((await get(MEMBER, `/users/${MEMBER}/health-data`)).body.items.map((r: any) => r.value)).toEqual([1111]);
      expect((await get(MEMBER, `/users/${OTHER}/health-data`)).status).toBe(403);
    } finally {
      await stack.setOwner('service');
    }
    expect((await get(MEMBER, `/users/${MEMBER}/health-data`)).body.items.map((r: any) => r.value)).toEqual([2222]);
  });
});

describe('decideHealthRead on the other M02 models (what the FHIR view builds on)', () => {
  const decide = async (uid: number, subject: number, model: 'hp.assessment' | 'hp.device.binding' | 'hp.health.goal') => {
    const ports = accessPorts({ name: stack.service.name, pool: svc() });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: svc() }) });
    return decideHealthRead(ports.forUser(await ports.prepare(uid), db), db, subject, model);
  };

  it('a coach reads the assessments they coach (rules scope, the rows filtered by the engine\'s rule), not others; no device bindings (no ACL: 403 in Odoo\'s words); members their own goals', async () => {
    await svc().query('DELETE FROM assessments WHERE user_id = ANY($1)', [[MEMBER, OTHER]]);
    await svc().query(`INSERT INTO assessments (user_id, coach_id, assessment_type, score) VALUES ($1, $3, 'general', 10), ($1, NULL, 'sleep', 20), ($2, NULL, 'cardio', 30)`, [MEMBER, OTHER, COACH]);
    const coached = await decide(COACH, MEMBER, 'hp.assessment');
    expect(coached).toMatchObject({ allowed: true, scope: 'rules', subject: MEMBER });
    if (!coached.allowed) throw new Error('unreachable');
    const { rows } = await sql<{ score: number }>`SELECT score FROM assessments AS a WHERE ${await coached.where('a')} ORDER BY score`.execute(new Kysely<any>({ dialect: new PostgresDialect({ pool: svc() }) }));
    expect(rows.map((r) => r.score)).toEqual([10]);
    expect(await decide(COACH, OTHER, 'hp.assessment')).toMatchObject({ allowed: false, status: 403 });
    const devices = await decide(COACH, MEMBER, 'hp.device.binding');
    expect(devices).toMatchObject({ allowed: false, status: 403 });
    expect(devices.allowed ? '' : devices.detail).toMatch(/hp\.device\.binding|Device/);
    expect(await decide(MEMBER, MEMBER, 'hp.health.goal')).toMatchObject({ allowed: true, scope: 'all' });
    expect(await decide(MEMBER, OTHER, 'hp.health.goal')).toMatchObject({ allowed: false, status: 403 });
    expect(await decide(OPERATOR, OTHER, 'hp.device.binding')).toMatchObject({ allowed: true, scope: 'all' });
  });
});
