import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rezonesDone } from '../../../services/user/domain/health-data-rezone.ts';
import { startHealthDataStack, type HealthDataStack } from './health-data-stack.ts';

const MEMBER = 6;
const OTHER = 7;
const COACH = 246;

/** Zones with and without DST, north and south, with half- and quarter-hour offsets; null: no tz set (UTC). */
const ZONES = [null, 'UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'America/St_Johns', 'Pacific/Chatham', 'Asia/Kolkata', 'Asia/Tokyo', 'Europe/London', 'America/Havana'] as const;

/** DST changes of 2025–2026 in those zones (UTC), around which readings cluster: a local day or week there is not 24 × n hours. */
const TRANSITIONS = ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-03-08T05:30:00Z', '2026-03-08T05:00:00Z', '2026-11-01T05:00:00Z']
  .map((t) => Date.parse(t) / 1000);
const SPAN_START = Date.parse('2025-01-01T00:00:00Z') / 1000;
const SPAN_END = Date.parse('2026-12-31T00:00:00Z') / 1000;

const UNITS: Record<string, (string | null)[]> = {
  heart_rate: ['bpm'],
  blood_pressure: ['mmHg'],
  blood_glucose: ['mg/dL', 'mmol/L', null],
  weight: ['kg'],
};

interface Reading { type: string; value: number | null; value2: number | null; unit: string | null; at: number }

const instant = fc.oneof(
  fc.integer({ min: SPAN_START, max: SPAN_END }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * 86400, max: 3 * 86400 })).map(([t, d]) => t + d),
);
const value = fc.integer({ min: 0, max: 30000 }).map((v) => v / 100);
const reading: fc.Arbitrary<Reading> = fc.constantFrom(...Object.keys(UNITS)).chain((type) =>
  fc.record({
    type: fc.constant(type),
    value: fc.option(value, { freq: 12 }),
    value2: type === 'blood_pressure' ? fc.option(value, { freq: 8 }) : fc.constant(null),
    unit: fc.constantFrom(...UNITS[type]!),
    // Some readings share a second, so `last` must break ties by id.
    at: fc.oneof({ weight: 9, arbitrary: instant }, { weight: 1, arbitrary: fc.constant(TRANSITIONS[0]!) }),
  }),
);

let stack: HealthDataStack;
const svc = () => stack.service.pool;

beforeAll(async () => {
  stack = await startHealthDataStack({ owner: 'service' });
}, 180_000);
afterAll(async () => stack?.stop());

async function plant(uid: number, readings: readonly Reading[]): Promise<number[]> {
  await svc().query('DELETE FROM health_records WHERE user_id = $1', [uid]);
  if (!readings.length) return [];
  const { rows } = await svc().query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('health_records', 'id'))::int AS id FROM generate_series(1, $1)`, [readings.length]);
  const ids = rows.map((r) => r.id);
  await svc().query(
    `INSERT INTO health_records (id, user_id, record_type, value, value2, unit, measured_at, source)
     SELECT r.id, $1, r.type, r.value, r.value2, r.unit, to_timestamp(r.at) AT TIME ZONE 'UTC', 'device' FROM jsonb_to_recordset($2::jsonb) AS r(id int, type text, value float8, value2 float8, unit text, at bigint)`,
    [uid, JSON.stringify(readings.map((r, i) => ({ ...r, id: ids[i] })))],
  );
  return ids;
}

/**
 * A later change to one planted reading, as the write paths make them (each its own statement, so
 * each fires the rollup's triggers): gone, moved in time (often to another local day), or
 * given other values (another type and unit, too).
 */
type Edit =
  | { kind: 'delete'; pick: number }
  | { kind: 'move'; pick: number; at: number }
  | { kind: 'revalue'; pick: number; to: Pick<Reading, 'type' | 'value' | 'value2' | 'unit'> };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), at: instant }),
  fc.record({ kind: fc.constant('revalue' as const), pick: fc.nat(), to: reading.map(({ type, value, value2, unit }) => ({ type, value, value2, unit })) }),
);

/** Applies the edits to the planted readings in svc_user, one statement each; returns the readings (and ids) left. */
async function applyEdits(readings: readonly Reading[], ids: readonly number[], edits: readonly Edit[]): Promise<{ readings: Reading[]; ids: number[] }> {
  const left = readings.map((r, i) => ({ ...r, id: ids[i]! }));
  for (const e of edits) {
    if (!left.length) break;
    const i = e.pick % left.length;
    const target = left[i]!;
    if (e.kind === 'delete') {
      await svc().query('DELETE FROM health_records WHERE id = $1', [target.id]);
      left.splice(i, 1);
    } else if (e.kind === 'move') {
      await svc().query(`UPDATE health_records SET measured_at = to_timestamp($2) AT TIME ZONE 'UTC' WHERE id = $1`, [target.id, e.at]);
      left[i] = { ...target, at: e.at };
    } else {
      await svc().query('UPDATE health_records SET record_type = $2, value = $3, value2 = $4, unit = $5 WHERE id = $1', [target.id, e.to.type, e.to.value, e.to.value2, e.to.unit]);
      left[i] = { ...target, ...e.to };
    }
  }
  return { readings: left.map(({ id: _id, ...r }) => r), ids: left.map((r) => r.id) };
}

/** The local calendar date (and nothing else) of a UTC instant in `tz`, from the platform's own tz database (Intl), not PostgreSQL's. */
function localDate(seconds: number, tz: string): { y: number; m: number; d: number } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(seconds * 1000)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function periodOf(seconds: number, tz: string, period: 'day' | 'week' | 'month'): string {
  const { y, m, d } = localDate(seconds, tz);
  const day = Date.UTC(y, m - 1, d);
  if (period === 'day') return iso(day);
  if (period === 'month') return iso(Date.UTC(y, m - 1, 1));
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return iso(day - sinceMonday * 86_400_000);
}

interface Stats { min: number | null; max: number | null; mean: number | null; last: number | null }

/**
 * The mean exactly: the values are hundredths, so the sum of the integers k (v = k/100) is exact
 * and one division rounds it once, the correctly rounded mean. The service's mean (an exact numeric
 * sum, health-data-mean.ts) must be that float, bit for bit, on either path and in any summation order.
 */
function statsOf(rows: { v: number | null; at: number; id: number }[]): Stats {
  const present = rows.filter((r) => r.v !== null);
  if (!present.length) return { min: null, max: null, mean: null, last: null };
  const values = present.map((r) => r.v!);
  const latest = [...present].sort((a, b) => b.at - a.at || b.id - a.id)[0]!;
  const hundredths = values.reduce((s, v) => s + Math.round(v * 100), 0);
  return { min: Math.min(...values), max: Math.max(...values), mean: hundredths / (100 * values.length), last: latest.v };
}

/** The expected aggregates, computed apart from the SQL: JS grouping over Intl's local dates. */
function expectedAggregates(readings: readonly Reading[], ids: readonly number[], tz: string, period: 'day' | 'week' | 'month', type: string | undefined, range: Range) {
  const groups = new Map<string, { period: string; type: string; unit: string | null; rows: (Reading & { id: number })[] }>();
  readings.forEach((r, i) => {
    if (type && r.type !== type) return;
    if (!inRange(r.at, tz, range)) return;
    const p = periodOf(r.at, tz, period);
    const key = `${p}|${r.type}|${r.unit ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { period: p, type: r.type, unit: r.unit, rows: [] }));
    group.rows.push({ ...r, id: ids[i]! });
  });
  return [...groups.values()]
    .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? 1 : -1) : a.type !== b.type ? (a.type < b.type ? -1 : 1) : (a.unit ?? '') < (b.unit ?? '') ? -1 : 1))
    .map((g) => ({
      period: g.period, type: g.type, unit: g.unit, count: g.rows.length,
      ...statsOf(g.rows.map((r) => ({ v: r.value, at: r.at, id: r.id }))),
      ...(g.type === 'blood_pressure' ? { value2: statsOf(g.rows.map((r) => ({ v: r.value2, at: r.at, id: r.id }))) } : {}),
    }));
}

/** A range bound: an instant (seconds) or a local date ('YYYY-MM-DD'); from inclusive, to exclusive. */
type Bound = { instant: number } | { date: string };
interface Range { from: Bound | null; to: Bound | null }

const bound: fc.Arbitrary<Bound> = fc.oneof(
  instant.map((t) => ({ instant: t })),
  instant.map((t) => ({ date: new Date(t * 1000).toISOString().slice(0, 10) })),
);

/** A date bound is local midnight: a reading is on or after it exactly when its local date is. */
function inRange(at: number, tz: string, range: Range): boolean {
  const local = periodOf(at, tz, 'day');
  const after = (b: Bound) => ('instant' in b ? at >= b.instant : local >= b.date);
  return (!range.from || after(range.from)) && (!range.to || !after(range.to));
}

const boundParam = (name: string, b: Bound | null) => (!b ? '' : `&${name}=${'date' in b ? b.date : encodeURIComponent(new Date(b.instant * 1000).toISOString())}`);

/** Every page of the listing, following the next links. */
async function allPages(uid: number, path: string): Promise<any[]> {
  const items: any[] = [];
  let next: string | null = path;
  for (let pages = 0; next; pages++) {
    if (pages > 500) throw new Error('the next links do not end');
    const page = await stack.call('GET', next, stack.token(uid));
    if (page.status !== 200) throw new Error(`${next}: ${page.status} ${page.text}`);
    items.push(...page.body.items);
    next = page.body.next;
  }
  return items;
}

function sameStats(actual: Stats, expected: Stats): boolean {
  return actual.min === expected.min && actual.max === expected.max && actual.last === expected.last && actual.mean === expected.mean;
}

/** The zone svc_user's daily rollup of `uid` is kept in (null: none yet). */
const rollupZone = async (uid: number) =>
  (await svc().query<{ time_zone: string }>('SELECT time_zone FROM health_rollup_zones WHERE user_id = $1', [uid])).rows[0]?.time_zone ?? null;

describe('GET /users/{id}/health-data?aggregate=…: per-period statistics equal an independent computation', () => {
  it('for random series changed by deletes and updates, time zones (DST ones too), periods, type filters, ranges (instants or local dates) and page sizes, over every page, from svc_user\'s daily rollup or (in a zone it is not kept in) the readings; another member\'s rows at the same instants never count; a coach sees the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(reading, { minLength: 0, maxLength: 120 }),
        fc.array(edit, { maxLength: 25 }),
        fc.array(reading, { minLength: 0, maxLength: 40 }),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        fc.constantFrom('day', 'week', 'month') as fc.Arbitrary<'day' | 'week' | 'month'>,
        fc.option(fc.constantFrom(...Object.keys(UNITS)), { freq: 2 }),
        fc.integer({ min: 1, max: 25 }),
        fc.record({ from: fc.option(bound, { freq: 3 }), to: fc.option(bound, { freq: 3 }) }),
        async (planted, edits, others, zone, rollupInZone, period, type, limit, range) => {
          const tz = zone ?? 'UTC';
          await rezonesDone(); // the previous case's reads may have asked for one
          // The rollup in the member's zone before the readings change (the triggers keep it), or in
          // another one (a tz change the reads have not caught up with: they answer from the readings).
          await svc().query('UPDATE res_partner SET tz = $2 WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)', [MEMBER, zone]);
          await svc().query('SELECT health_rollup_rezone($1, $2)', [MEMBER, rollupInZone ? tz : tz === 'Asia/Tokyo' ? 'UTC' : 'Asia/Tokyo']);
          const { readings: mine, ids } = await applyEdits(planted, await plant(MEMBER, planted), edits);
          // The other member's readings at the member's own instants too: the worst case for isolation.
          await plant(OTHER, [...others, ...mine.slice(0, 10).map((r) => ({ ...r, value: 999.99 }))]);
          const path = `/users/${MEMBER}/health-data?aggregate=${period}&limit=${limit}${type ? `&type=${type}` : ''}${boundParam('from', range.from)}${boundParam('to', range.to)}`;
          const got = await allPages(MEMBER, path);
          // Which path answered: the rollup exactly when it was kept in the member's zone.
          if (rollupInZone) expect(await rollupZone(MEMBER)).toBe(tz);
          const expected = expectedAggregates(mine, ids, tz, period, type ?? undefined, range);
          expect(got.map((a) => `${a.period}|${a.type}|${a.unit}|${a.count}`)).toEqual(expected.map((a) => `${a.period}|${a.type}|${a.unit}|${a.count}`));
          got.forEach((a, i) => {
            const e = expected[i]!;
            expect(sameStats(a, e), `${JSON.stringify(a)} vs ${JSON.stringify(e)}`).toBe(true);
            if (e.value2) expect(sameStats(a.value2, e.value2), `value2 ${JSON.stringify(a.value2)} vs ${JSON.stringify(e.value2)}`).toBe(true);
            else expect(a.value2).toBeUndefined();
            // The period's bounds are its local start and the next period's, as instants.
            expect(periodOf(Date.parse(a.start) / 1000, tz, period)).toBe(a.period);
            expect(periodOf(Date.parse(a.end) / 1000 - 1, tz, period)).toBe(a.period);
            expect(periodOf(Date.parse(a.end) / 1000, tz, period)).not.toBe(a.period);
          });
          expect(await allPages(COACH, path)).toEqual(got);
          if (rollupInZone) {
            // The rollup itself, day by day, is the readings' (a group that lost its readings may stay with count 0).
            const { rows: kept } = await svc().query(
              `SELECT to_char(day, 'YYYY-MM-DD') AS period, record_type AS type, unit, count,
                      value_min AS min, value_max AS max, (round(value_sum, 40) / nullif(value_count, 0))::float8 AS mean, value_last AS last,
                      value2_min AS min2, value2_max AS max2, (round(value2_sum, 40) / nullif(value2_count, 0))::float8 AS mean2, value2_last AS last2
                 FROM health_daily_rollup WHERE user_id = $1 AND time_zone = $2 AND count > 0`, [MEMBER, tz]);
            const byKey = (a: { period: string; type: string; unit: string | null }) => `${a.period}|${a.type}|${a.unit ?? ''}`;
            const days = kept.map((d) => ({
              period: d.period, type: d.type, unit: d.unit, count: d.count, min: d.min, max: d.max, mean: d.mean, last: d.last,
              ...(d.type === 'blood_pressure' ? { value2: { min: d.min2, max: d.max2, mean: d.mean2, last: d.last2 } } : {}),
            })).sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
            const expectedDays = expectedAggregates(mine, ids, tz, 'day', undefined, { from: null, to: null }).sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
            expect(days).toEqual(expectedDays);
          }
        },
      ),
      { numRuns: 80 },
    );
  }, 600_000);

  it('raw pages, followed to the end, are every reading of the member exactly once, newest first (ties by id), in any page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), async (mine, limit) => {
        const ids = await plant(MEMBER, mine);
        await plant(OTHER, mine.slice(0, 5));
        const got = await allPages(MEMBER, `/users/${MEMBER}/health-data?limit=${limit}`);
        const expected = mine.map((r, i) => ({ id: ids[i]!, at: r.at })).sort((a, b) => b.at - a.at || b.id - a.id);
        expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
        expect(got.map((r) => Date.parse(r.measuredAt) / 1000)).toEqual(expected.map((r) => r.at));
      }),
      { numRuns: 30 },
    );
  }, 600_000);
});
