import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceOf } from '../../../services/user/domain/fhir/device.ts';
import { goalOf } from '../../../services/user/domain/fhir/goal.ts';
import { observationOf } from '../../../services/user/domain/fhir/observation.ts';
import { fhirSchemaValidator } from './fhir-schema.ts';
import { startHealthDataStack, type HealthDataStack } from './health-data-stack.ts';

// Users of the legacy database (README): members 6.., coaches 246.. (coach implies member),
// merchants 286.. (merchant implies member), operator 302 (not admin), admin 2.
const MEMBER = 6;
const OTHER = 7;
const COACH = 246;
const MERCHANT = 286;
const OPERATOR = 302;
// Member 6's glucometer binding in the fixture, and records it sent.
const MEMBER_DEVICE = 79;

let stack: HealthDataStack;
let validate: ReturnType<typeof fhirSchemaValidator>;
const svc = () => stack.service.pool;
const get = (uid: number | null, path: string, headers: Record<string, string> = {}) => stack.call('GET', path, uid === null ? null : stack.token(uid), undefined, headers);

beforeAll(async () => {
  stack = await startHealthDataStack({ owner: 'service' });
  validate = fhirSchemaValidator();
  validate('Bundle', { resourceType: 'Bundle', type: 'searchset' }); // compiles the schema once, here
}, 180_000);
afterAll(async () => stack?.stop());

/** A FHIR answer: the status, content type application/fhir+json, and a body valid against the official schema's `definition`. */
function expectFhir(answer: Awaited<ReturnType<typeof get>>, status: number, definition: Parameters<typeof validate>[0]): any {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  expect(validate(definition, answer.body), JSON.stringify(answer.body).slice(0, 2000)).toEqual([]);
  expect(answer.body.resourceType).toBe(definition);
  return answer.body;
}

/** Every entry of a search, following next links; each page checked against the schema. */
async function searchAll(uid: number, path: string): Promise<{ entries: any[]; total: number; pages: number }> {
  const entries: any[] = [];
  let url: string | undefined = path;
  let total = -1;
  let pages = 0;
  while (url) {
    const bundle = expectFhir(await get(uid, url), 200, 'Bundle');
    if (total >= 0) expect(bundle.total).toBe(total);
    total = bundle.total;
    entries.push(...(bundle.entry ?? []));
    const next = bundle.link.find((l: any) => l.relation === 'next')?.url as string | undefined;
    url = next ? next.slice(next.indexOf('/fhir/')) : undefined;
    pages++;
  }
  return { entries, total, pages };
}

const ids = (bundle: any): number[] => (bundle.entry ?? []).map((e: any) => Number(e.resource.id));
const subjectsOf = (bundle: any): string[] => [...new Set<string>((bundle.entry ?? []).map((e: any) => (e.resource.subject ?? e.resource.patient).reference))];

/** Replaces `uid`'s health records in svc_user by these (UTC timestamps), returning their ids in order. */
async function plant(uid: number, readings: { type: string; value: number | null; value2?: number | null; unit: string | null; at: string; device?: number; note?: string }[]): Promise<number[]> {
  await svc().query('DELETE FROM health_records WHERE user_id = $1', [uid]);
  const { rows } = await svc().query<{ id: number }>(
    `INSERT INTO health_records (user_id, record_type, value, value2, unit, measured_at, source, device_binding_id, note, write_date)
     SELECT $1, r.type, r.value::float8, r.value2::float8, r.unit, r.at::timestamp, CASE WHEN r.device IS NULL THEN 'manual' ELSE 'device' END, r.device, r.note, '2026-12-01 10:00:00'
       FROM jsonb_to_recordset($2::jsonb) AS r(type text, value text, value2 text, unit text, at text, device int, note text, n int)
      ORDER BY r.n RETURNING id`,
    // Floats as text: JSON has no NaN or infinity, PostgreSQL's float8 reads them from 'NaN', 'Infinity', '-Infinity'.
    [uid, JSON.stringify(readings.map((r, n) => ({ device: null, note: null, ...r, value: floatText(r.value), value2: floatText(r.value2 ?? null), n })))],
  );
  return rows.map((r) => r.id);
}

const floatText = (value: number | null) => (value === null ? null : Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value));

describe('every resource the FHIR routes return validates against the official FHIR R4 JSON Schema', () => {
  it('all of the fixture\'s 6000 health records as Observations (a coach pages through them), each record type with its LOINC code, category and UCUM unit', async () => {
    const { entries, total, pages } = await searchAll(COACH, '/fhir/Observation?_count=200');
    const { rows } = await svc().query<{ n: number }>('SELECT count(*)::int AS n FROM health_records');
    expect(total).toBe(rows[0]!.n);
    expect(entries.length).toBe(total);
    expect(pages).toBe(Math.ceil(total / 200));
    expect(new Set(entries.map((e) => e.resource.id)).size).toBe(total);
    const byCode = new Map<string, any>();
    for (const { resource } of entries) byCode.set(resource.code.coding[0].code, resource);
    const concept = (code: string) => {
      const r = byCode.get(code);
      return { category: r.category[0].coding[0].code, unit: r.valueQuantity ? [r.valueQuantity.system, r.valueQuantity.code, r.valueQuantity.unit] : undefined };
    };
    expect([...byCode.keys()].sort()).toEqual(['15074-8', '29463-7', '55423-8', '85354-9', '8867-4', '93832-4']);
    expect(concept('55423-8')).toEqual({ category: 'activity', unit: ['http://unitsofmeasure.org', '{steps}', 'steps'] });
    expect(concept('8867-4')).toEqual({ category: 'vital-signs', unit: ['http://unitsofmeasure.org', '/min', 'beats/minute'] });
    expect(concept('15074-8')).toEqual({ category: 'laboratory', unit: ['http://unitsofmeasure.org', 'mmol/L', 'mmol/L'] });
    expect(concept('29463-7')).toEqual({ category: 'vital-signs', unit: ['http://unitsofmeasure.org', 'kg', 'kg'] });
    expect(concept('93832-4')).toEqual({ category: 'activity', unit: ['http://unitsofmeasure.org', 'h', 'h'] });
    const bp = byCode.get('85354-9');
    expect(bp.valueQuantity).toBeUndefined();
    expect(bp.component.map((c: any) => [c.code.coding[0].code, c.valueQuantity.code])).toEqual([['8480-6', 'mm[Hg]'], ['8462-4', 'mm[Hg]']]);
    for (const { fullUrl, resource } of entries) {
      expect(resource.status).toBe('final');
      expect(fullUrl).toBe(`${stack.baseUrl}/fhir/Observation/${resource.id}`);
    }
  });

  it('all goals and device bindings (an operator reads every one), each resource read by id, the CapabilityStatement', async () => {
    const goals = await searchAll(OPERATOR, '/fhir/Goal?_count=200');
    expect(goals.total).toBe((await svc().query('SELECT id FROM health_goals')).rowCount);
    const devices = await searchAll(OPERATOR, '/fhir/Device?_count=200');
    expect(devices.total).toBe((await svc().query('SELECT id FROM device_bindings')).rowCount);
    expect(new Set(devices.entries.map((e) => e.resource.status))).toEqual(new Set(['active', 'inactive']));
    for (const [type, id] of [['Goal', goals.entries[0].resource.id], ['Device', devices.entries[0].resource.id], ['Observation', '2749']] as const) {
      const read = expectFhir(await get(OPERATOR, `/fhir/${type}/${id}`), 200, type);
      expect(read.id).toBe(String(id));
    }
    const metadata = expectFhir(await get(null, '/fhir/metadata'), 200, 'CapabilityStatement');
    expect(metadata.rest[0].resource.map((r: any) => r.type)).toEqual(['Observation', 'Goal', 'Device']);
    expect(metadata.rest[0].resource[0].searchParam.map((p: any) => p.name)).toEqual(['subject', 'patient', '_id', 'code', 'category', 'date']);
  });

  it('values JSON cannot carry (none, NaN, ±infinity: Odoo float fields hold them) become dataAbsentReason; a glucose in mg/dL is LOINC 2339-0; an unknown unit stays a label', async () => {
    const planted = await plant(OTHER, [
      { type: 'blood_glucose', value: 101, unit: 'mg/dL', at: '2026-11-01 08:00:00' },
      { type: 'blood_glucose', value: 5.5, unit: 'mmol/L', at: '2026-11-01 09:00:00' },
      { type: 'heart_rate', value: null, unit: 'bpm', at: '2026-11-01 10:00:00' },
      { type: 'weight', value: Number.NaN, unit: 'kg', at: '2026-11-01 11:00:00' },
      { type: 'steps', value: Number.POSITIVE_INFINITY, unit: 'steps', at: '2026-11-01 12:00:00' },
      { type: 'blood_pressure', value: 120, value2: Number.NEGATIVE_INFINITY, unit: 'mmHg', at: '2026-11-01 13:00:00' },
      { type: 'weight', value: 150, unit: 'stone-ish', at: '2026-11-01 14:00:00' },
      { type: 'sleep_hours', value: 7.25, unit: null, at: '2026-11-01 15:00:00.250000', note: 'woke twice' },
    ]);
    const read = async (id: number) => expectFhir(await get(OTHER, `/fhir/Observation/${id}`), 200, 'Observation');
    const [mg, mmol, none, nan, inf, bp, odd, sleep] = await Promise.all(planted.map(read));
    expect([mg.code.coding[0].code, mg.valueQuantity]).toEqual(['2339-0', { value: 101, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' }]);
    expect(mmol.code.coding[0].code).toBe('15074-8');
    expect(none.dataAbsentReason.coding[0].code).toBe('unknown');
    expect(nan.dataAbsentReason.coding[0].code).toBe('not-a-number');
    expect(inf.dataAbsentReason.coding[0].code).toBe('positive-infinity');
    expect(bp.component[0].valueQuantity.value).toBe(120);
    expect(bp.component[1].dataAbsentReason.coding[0].code).toBe('negative-infinity');
    expect(odd.valueQuantity).toEqual({ value: 150, unit: 'stone-ish' });
    expect(sleep).toMatchObject({ effectiveDateTime: '2026-11-01T15:00:00.25Z', valueQuantity: { value: 7.25, code: 'h' }, note: [{ text: 'woke twice' }], subject: { reference: `Patient/${OTHER}` } });
    // Searching by code tells the two glucose concepts apart by unit.
    expect(ids(expectFhir(await get(OTHER, '/fhir/Observation?code=2339-0'), 200, 'Bundle'))).toEqual([planted[0]]);
    expect(ids(expectFhir(await get(OTHER, '/fhir/Observation?code=http://loinc.org|15074-8'), 200, 'Bundle'))).toEqual([planted[1]]);
  });
});

describe('the mapping of any row a legacy column can hold validates (property)', () => {
  // What the view's SQL hands the mappers: instants as to_char(…, 'YYYY-MM-DD"T"HH24:MI:SS.US'), dates as YYYY-MM-DD.
  const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .chain((d) => fc.integer({ min: 0, max: 999 }).map((us) => `${d.toISOString().slice(0, 23)}${String(us).padStart(3, '0')}`));
  const day = instant.map((t) => t.slice(0, 10));
  const float = fc.oneof(fc.double(), fc.constant(null), fc.integer({ min: 0, max: 30_000 }));
  const text = fc.option(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '\u00a0', 'mg/dL', 'kg', 'a\fb')), { nil: null });
  const id = fc.integer({ min: 1, max: 2_147_483_647 });

  it('hp.health.record → Observation, hp.health.goal → Goal, hp.device.binding → Device', () => {
    const record = fc.record({
      id, user_id: id, device_binding_id: fc.option(id, { nil: null }),
      record_type: fc.constantFrom('steps', 'heart_rate', 'blood_pressure', 'blood_glucose', 'weight', 'sleep_hours') as fc.Arbitrary<any>,
      unit: text, note: text, measured_at: instant, write_date: fc.option(instant, { nil: null }), value: float, value2: float,
    });
    const goal = fc.record({
      id, user_id: id, goal_type: fc.constantFrom('steps', 'weight', 'sleep', 'glucose') as fc.Arbitrary<any>, state: fc.constantFrom('active', 'achieved', 'abandoned') as fc.Arbitrary<any>,
      start_date: fc.option(day, { nil: null }), end_date: fc.option(day, { nil: null }), write_date: fc.option(instant, { nil: null }),
      target_value: float, current_value: float, progress: float,
    });
    const device = fc.record({
      id, user_id: id, device_type: fc.constantFrom('watch', 'band', 'scale', 'glucometer', 'bp_monitor') as fc.Arbitrary<any>,
      vendor: text, serial: text, active: fc.constantFrom(true, false, null), write_date: fc.option(instant, { nil: null }),
    });
    // Through JSON, as the answer travels (a double that is not finite must never reach it as a number).
    const sent = (value: unknown) => JSON.parse(JSON.stringify(value));
    fc.assert(fc.property(record, (row) => void expect(validate('Observation', sent(observationOf(row))), JSON.stringify(row)).toEqual([])), { numRuns: 1500 });
    fc.assert(fc.property(goal, (row) => void expect(validate('Goal', sent(goalOf(row))), JSON.stringify(row)).toEqual([])), { numRuns: 1000 });
    fc.assert(fc.property(device, (row) => void expect(validate('Device', sent(deviceOf(row))), JSON.stringify(row)).toEqual([])), { numRuns: 1000 });
    fc.assert(fc.property(record, (row) => {
      const observation = sent(observationOf(row));
      // Nothing is lost: every finite value is in the answer exactly, every other one is a dataAbsentReason.
      const values = row.record_type === 'blood_pressure' ? observation.component.map((c: any) => c.valueQuantity?.value ?? null) : [observation.valueQuantity?.value ?? null];
      const expected = (row.record_type === 'blood_pressure' ? [row.value, row.value2] : [row.value]).map((v) => (v !== null && Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null));
      expect(values).toEqual(expected);
    }), { numRuns: 500 });
  });
});

describe('the mapping', () => {
  it('a device reading names its Device; a goal\'s state is its lifecycle and achievement status, with target, due date and progress', async () => {
    const reading = expectFhir(await get(MEMBER, '/fhir/Observation/2749'), 200, 'Observation');
    expect(reading).toMatchObject({ subject: { reference: 'Patient/6' }, device: { reference: `Device/${MEMBER_DEVICE}` }, effectiveDateTime: '2026-10-19T07:26:21Z', valueQuantity: { value: 10.6, code: 'mmol/L' } });
    const device = expectFhir(await get(MEMBER, `/fhir/Device/${MEMBER_DEVICE}`), 200, 'Device');
    expect(device).toMatchObject({ status: 'active', manufacturer: 'Yuwell', serialNumber: 'GL-1131267917', patient: { reference: 'Patient/6' }, type: { coding: [{ code: 'glucometer', display: 'Glucometer' }] } });
    const goal = (await svc().query('SELECT id, user_id FROM health_goals WHERE id = 1')).rows[0];
    const glucoseGoal = expectFhir(await get(goal.user_id, '/fhir/Goal/1'), 200, 'Goal');
    expect(glucoseGoal).toMatchObject({
      lifecycleStatus: 'active', achievementStatus: { coding: [{ code: 'in-progress' }] }, startDate: '2026-09-06',
      target: [{ measure: { coding: [{ system: 'http://loinc.org', code: '15074-8' }] }, detailQuantity: { value: 5.6, code: 'mmol/L' }, dueDate: '2026-10-06' }],
      extension: [{ url: 'https://ficus.dev/fhir/StructureDefinition/goal-progress', valueDecimal: 81.16 }, { valueQuantity: { value: 6.9 } }],
    });
    const achieved = expectFhir(await get(187, '/fhir/Goal/2'), 200, 'Goal');
    expect([achieved.lifecycleStatus, achieved.achievementStatus.coding[0].code, achieved.target[0].measure.coding[0].code]).toEqual(['completed', 'achieved', '55423-8']);
    const abandoned = (await svc().query("SELECT id, user_id FROM health_goals WHERE state = 'abandoned' ORDER BY id LIMIT 1")).rows[0];
    const cancelled = expectFhir(await get(abandoned.user_id, `/fhir/Goal/${abandoned.id}`), 200, 'Goal');
    expect([cancelled.lifecycleStatus, cancelled.achievementStatus.coding[0].code]).toEqual(['cancelled', 'not-achieved']);
  });
});

describe('FHIR search parameters', () => {
  let planted: number[];
  beforeEach(async () => {
    planted = await plant(MEMBER, [
      { type: 'heart_rate', value: 60, unit: 'bpm', at: '2025-12-31 23:59:59' },
      { type: 'heart_rate', value: 61, unit: 'bpm', at: '2026-01-01 00:00:00' },
      { type: 'steps', value: 9000, unit: 'steps', at: '2026-03-15 12:30:00' },
      { type: 'weight', value: 70.5, unit: 'kg', at: '2026-03-15 23:00:00' },
      { type: 'blood_pressure', value: 120, value2: 80, unit: 'mmHg', at: '2026-03-16 00:30:00' },
      { type: 'sleep_hours', value: 8, unit: 'h', at: '2026-12-31 23:59:59.999999' },
    ]);
  });
  const search = async (query: string, uid = MEMBER) => ids(expectFhir(await get(uid, `/fhir/Observation?${query}`), 200, 'Bundle'));
  const p = (...indexes: number[]) => indexes.map((i) => planted[i]!);

  it('subject as Patient/N, N, an absolute URL or patient=N; a non-Patient reference is 400', async () => {
    const all = p(5, 4, 3, 2, 1, 0);
    expect(await search('subject=Patient/6')).toEqual(all);
    expect(await search('subject=6')).toEqual(all);
    expect(await search(`subject=${encodeURIComponent(`${stack.baseUrl}/fhir/Patient/6`)}`)).toEqual(all);
    expect(await search('patient=6')).toEqual(all);
    expect(await search('subject:Patient=6')).toEqual(all);
    expect(await search('')).toEqual(all);
    const group = expectFhir(await get(MEMBER, '/fhir/Observation?subject=Group/6'), 400, 'OperationOutcome');
    expect(group.issue[0]).toMatchObject({ severity: 'error', code: 'invalid', diagnostics: 'Group/6 is not a Patient reference (Patient/<id> or <id>)' });
  });

  it('code as system|code, code, |code and system|; a comma is OR, a repeated parameter AND; category', async () => {
    expect(await search('code=http://loinc.org|8867-4')).toEqual(p(1, 0));
    expect(await search('code=8867-4')).toEqual(p(1, 0));
    expect(await search('code=|8867-4')).toEqual([]);
    expect(await search('code=http://snomed.info/sct|8867-4')).toEqual([]);
    expect(await search('code=http://loinc.org|')).toEqual(p(5, 4, 3, 2, 1, 0));
    expect(await search('code=8867-4,29463-7')).toEqual(p(3, 1, 0));
    expect(await search('code=8867-4&code=29463-7')).toEqual([]);
    expect(await search('code=8480-6')).toEqual([]); // a component's code is not the Observation's code
    expect(await search('code=85354-9')).toEqual(p(4));
    expect(await search('category=activity')).toEqual(p(5, 2));
    expect(await search('category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs&code=8867-4')).toEqual(p(1, 0));
  });

  it('date: partial dates are ranges; eq ne gt lt ge le sa eb; time zones; repeated is AND; ap and bad dates are 400', async () => {
    expect(await search('date=2026')).toEqual(p(5, 4, 3, 2, 1));
    expect(await search('date=2025')).toEqual(p(0));
    expect(await search('date=2026-03')).toEqual(p(4, 3, 2));
    expect(await search('date=2026-03-15')).toEqual(p(3, 2));
    expect(await search('date=eq2026-03-15T12:30')).toEqual(p(2));
    expect(await search('date=2026-03-15T12:30:00Z')).toEqual(p(2));
    expect(await search('date=2026-03-15T12:30:01Z')).toEqual([]);
    expect(await search('date=ne2026-03-15')).toEqual(p(5, 4, 1, 0));
    expect(await search('date=gt2026-03-15')).toEqual(p(5, 4));
    expect(await search('date=sa2026-03-15')).toEqual(p(5, 4));
    expect(await search('date=ge2026-03-15')).toEqual(p(5, 4, 3, 2));
    expect(await search('date=lt2026-03-15')).toEqual(p(1, 0));
    expect(await search('date=eb2026-03-15')).toEqual(p(1, 0));
    expect(await search('date=le2026-03-15')).toEqual(p(3, 2, 1, 0));
    expect(await search('date=ge2026-01-01&date=lt2026-03-16')).toEqual(p(3, 2, 1));
    expect(await search('date=2025-12-31,2026-12-31')).toEqual(p(5, 0));
    // 2026-03-16 01:30 in Paris (UTC+1) is 00:30 UTC; the day 2026-03-16 in UTC+02:00 starts 2026-03-15 22:00 UTC.
    expect(await search(`date=${encodeURIComponent('2026-03-16T01:30+01:00')}`)).toEqual(p(4));
    expect(await search(`date=${encodeURIComponent('ge2026-03-16T00:00+02:00')}&date=${encodeURIComponent('lt2026-03-17T00:00+02:00')}`)).toEqual(p(4, 3));
    expect(await search('date=2026-12-31T23:59:59.999999Z')).toEqual(p(5));
    expect(await search('date=2026-12-31T23:59:59.99999Z')).toEqual(p(5));
    expect(await search('date=2026-12-31T23:59:59.9999Z')).toEqual(p(5));
    for (const bad of ['ap2026', '2026-02-30', '2026-3', 'gt', '2026-03-15T12', 'xx2026']) {
      const answer = expectFhir(await get(MEMBER, `/fhir/Observation?date=${bad}`), 400, 'OperationOutcome');
      expect(answer.issue[0].code).toBe(bad.startsWith('ap') ? 'not-supported' : 'invalid');
    }
  });

  it('date search equals, for any value, the truncation of each instant to the value\'s precision compared as text (property)', async () => {
    const ats = ['2024-02-29 00:00:00', '2025-12-31 23:59:59', '2026-01-01 00:00:00', '2026-03-15 12:30:00', '2026-03-15 12:30:59.5', '2026-06-30 22:15:07.123', '2026-07-01 01:45:00', '2027-01-01 00:00:00'];
    const ids_ = await plant(MEMBER, ats.map((at) => ({ type: 'steps', value: 1, unit: 'steps', at })));
    const instants = ats.map((at) => Date.parse(`${at.replace(' ', 'T')}Z`));
    const value = fc.record({
      prefix: fc.constantFrom('', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'),
      at: fc.constantFrom(...instants).chain((t) => fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }).map((d) => (d % 3 === 0 ? t : t + d))),
      precision: fc.constantFrom(4, 7, 10, 16, 19, 23),
      zone: fc.constantFrom(0, 60, -330, 840, -720),
    });
    await fc.assert(
      fc.asyncProperty(value, async ({ prefix, at, precision, zone }) => {
        const hasTime = precision > 10;
        const offset = hasTime ? zone : 0;
        const local = new Date(at + offset * 60_000).toISOString().slice(0, precision);
        const zoneText = !hasTime ? '' : offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
        const text = `${prefix}${local}${zoneText}`;
        // The oracle: each instant written in the value's zone, cut to its precision, compared as text.
        const cut = (t: number) => new Date(t + offset * 60_000).toISOString().slice(0, precision);
        const expected = ids_.filter((_, i) => {
          const c = cut(instants[i]!);
          switch (prefix) {
            case '': case 'eq': return c === local;
            case 'ne': return c !== local;
            case 'gt': case 'sa': return c > local;
            case 'lt': case 'eb': return c < local;
            case 'ge': return c >= local;
            default: return c <= local;
          }
        });
        const found = await search(`date=${encodeURIComponent(text)}&_count=200`);
        expect(found.sort((a, b) => a - b), text).toEqual(expected.sort((a, b) => a - b));
      }),
      { numRuns: 120 },
    );
  });

  it('_count pages with next/previous links until the total; _count=0 is the total only; the self link keeps what was understood; _id', async () => {
    const first = expectFhir(await get(MEMBER, '/fhir/Observation?_count=4&unknown=1&code=http://loinc.org|'), 200, 'Bundle');
    expect(first.total).toBe(6);
    expect(ids(first)).toEqual(p(5, 4, 3, 2));
    const link = (bundle: any, relation: string) => bundle.link.find((l: any) => l.relation === relation)?.url as string | undefined;
    expect(link(first, 'self')).toBe(`${stack.baseUrl}/fhir/Observation?code=http%3A%2F%2Floinc.org%7C&_count=4&_offset=0`);
    expect(link(first, 'previous')).toBeUndefined();
    const second = expectFhir(await get(MEMBER, new URL(link(first, 'next')!).pathname + new URL(link(first, 'next')!).search), 200, 'Bundle');
    expect(ids(second)).toEqual(p(1, 0));
    expect(link(second, 'next')).toBeUndefined();
    expect(link(second, 'previous')).toContain('_offset=0');
    const none = expectFhir(await get(MEMBER, '/fhir/Observation?_count=0'), 200, 'Bundle');
    expect([none.total, none.entry]).toEqual([6, undefined]);
    expect(await search(`_id=${planted[2]},${planted[3]},999999999`)).toEqual(p(3, 2));
    expect(await search(`_id=${planted[2]}&_id=${planted[3]}`)).toEqual([]);
    expect(await search('_count=1000')).toHaveLength(6);
  });

  it('refuses what it cannot do, as OperationOutcome: a modifier, an unknown parameter under Prefer: handling=strict, a bad _count, XML', async () => {
    const modifier = expectFhir(await get(MEMBER, '/fhir/Observation?code:text=heart'), 400, 'OperationOutcome');
    expect(modifier.issue[0]).toMatchObject({ code: 'not-supported', diagnostics: 'the modifier :text of code is not supported' });
    expectFhir(await get(MEMBER, '/fhir/Observation?unknown=1'), 200, 'Bundle');
    const strict = expectFhir(await get(MEMBER, '/fhir/Observation?unknown=1', { prefer: 'handling=strict' }), 400, 'OperationOutcome');
    expect(strict.issue[0].diagnostics).toBe('search parameter unknown is not supported');
    const count = expectFhir(await get(MEMBER, '/fhir/Observation?_count=many'), 400, 'OperationOutcome');
    expect(count.issue.map((i: any) => i.code)).toEqual(['invalid', 'invalid']); // the kit's schema check, with the violation as its own issue
    expectFhir(await get(MEMBER, '/fhir/Observation', { accept: 'application/fhir+xml' }), 406, 'OperationOutcome');
    expectFhir(await get(MEMBER, '/fhir/Observation?_format=xml'), 406, 'OperationOutcome');
    expectFhir(await get(MEMBER, '/fhir/Observation?_format=json', { accept: 'application/json' }), 200, 'Bundle');
    const patient = expectFhir(await get(MEMBER, '/fhir/Patient/6'), 404, 'OperationOutcome');
    expect(patient.issue[0]).toMatchObject({ code: 'not-supported' });
    const unauthenticated = expectFhir(await get(null, '/fhir/Observation'), 401, 'OperationOutcome');
    expect(unauthenticated.issue[0].code).toBe('login');
    const badId = expectFhir(await get(MEMBER, '/fhir/Observation/abc'), 404, 'OperationOutcome');
    expect(badId.issue[0]).toMatchObject({ code: 'not-found', diagnostics: 'Observation/abc does not exist' });
  });

  it('Goal by lifecycle-status and achievement-status; Device by status, type and manufacturer', async () => {
    const goalsOf = async (uid: number, query: string) => ids(expectFhir(await get(uid, `/fhir/Goal?${query}`), 200, 'Bundle'));
    const { rows: goals } = await svc().query<{ id: number; state: string }>('SELECT id, state FROM health_goals WHERE user_id = 187 ORDER BY start_date DESC, id DESC');
    const withState = (...states: string[]) => goals.filter((g) => states.includes(g.state)).map((g) => g.id);
    expect(await goalsOf(187, '')).toEqual(goals.map((g) => g.id));
    expect(await goalsOf(187, 'lifecycle-status=completed')).toEqual(withState('achieved'));
    expect(await goalsOf(187, 'lifecycle-status=active,cancelled')).toEqual(withState('active', 'abandoned'));
    expect(await goalsOf(187, 'achievement-status=http://terminology.hl7.org/CodeSystem/goal-achievement|achieved')).toEqual(withState('achieved'));
    const devicesOf = async (query: string) => ids(expectFhir(await get(OPERATOR, `/fhir/Device?${query}`), 200, 'Bundle'));
    const count = async (where: string) => (await svc().query(`SELECT id FROM device_bindings WHERE ${where}`)).rowCount;
    expect((await devicesOf('status=inactive&_count=200')).length).toBe(await count('active IS NOT TRUE'));
    expect((await devicesOf('type=glucometer&_count=200')).length).toBe(await count("device_type = 'glucometer'"));
    expect((await devicesOf('manufacturer=yuw&_count=200')).length).toBe(await count("vendor ILIKE 'yuw%'"));
    expect(await devicesOf(`patient=${MEMBER}`)).toEqual([MEMBER_DEVICE]);
  });
});

describe('authorization: the REST health-data endpoint\'s (members their own, coaches every record, others refused)', () => {
  beforeEach(async () => {
    await plant(MEMBER, [{ type: 'heart_rate', value: 61, unit: 'bpm', at: '2026-11-20 08:00:00' }]);
    await plant(OTHER, [{ type: 'heart_rate', value: 77, unit: 'bpm', at: '2026-11-20 09:00:00' }]);
  });

  it('a member searches and reads only their own; another member\'s subject is 403, their record 404 (as if it did not exist), without its value', async () => {
    const own = expectFhir(await get(MEMBER, '/fhir/Observation'), 200, 'Bundle');
    expect(subjectsOf(own)).toEqual(['Patient/6']);
    const refused = expectFhir(await get(MEMBER, `/fhir/Observation?subject=Patient/${OTHER}`), 403, 'OperationOutcome');
    expect(refused.issue[0]).toMatchObject({ code: 'forbidden', diagnostics: `the record rules of hp.health.record do not allow user ${MEMBER} to read the records of user ${OTHER}` });
    const mixed = await get(MEMBER, `/fhir/Observation?subject=Patient/${MEMBER},Patient/${OTHER}`);
    expect(mixed.status).toBe(403);
    const { rows } = await svc().query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1', [OTHER]);
    const hidden = expectFhir(await get(MEMBER, `/fhir/Observation/${rows[0]!.id}`), 404, 'OperationOutcome');
    expect(JSON.stringify(hidden)).not.toContain('77');
    expectFhir(await get(MEMBER, `/fhir/Goal?subject=${OTHER}`), 403, 'OperationOutcome');
    expectFhir(await get(MEMBER, `/fhir/Device?patient=${OTHER}`), 403, 'OperationOutcome');
    expect(subjectsOf(expectFhir(await get(MEMBER, '/fhir/Device'), 200, 'Bundle'))).toEqual(['Patient/6']);
    // A merchant is a member too: their own records only.
    expectFhir(await get(MERCHANT, `/fhir/Observation?subject=${MEMBER}`), 403, 'OperationOutcome');
    expect(subjectsOf(expectFhir(await get(MERCHANT, '/fhir/Observation?_count=200'), 200, 'Bundle'))).toEqual([]);
  });

  it('a coach reads any member\'s health records (not their goals or devices: hp_personal gives coaches those only as members); an operator everything', async () => {
    expect(subjectsOf(expectFhir(await get(COACH, `/fhir/Observation?subject=${OTHER}`), 200, 'Bundle'))).toEqual([`Patient/${OTHER}`]);
    const { rows } = await svc().query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1', [OTHER]);
    expectFhir(await get(COACH, `/fhir/Observation/${rows[0]!.id}`), 200, 'Observation');
    expectFhir(await get(COACH, `/fhir/Goal?subject=${MEMBER}`), 403, 'OperationOutcome');
    expectFhir(await get(COACH, `/fhir/Device/${MEMBER_DEVICE}`), 404, 'OperationOutcome');
    expectFhir(await get(OPERATOR, `/fhir/Goal?subject=187`), 200, 'Bundle');
    expectFhir(await get(OPERATOR, `/fhir/Device/${MEMBER_DEVICE}`), 200, 'Device');
  });

  it('a user in none of hp_personal\'s groups is refused every search and read, with the engine\'s AccessError text (403)', async () => {
    const STRANGER = 900_001;
    // A copy of member 7's user row with no group at all (every real user of the fixture is a member).
    await svc().query(
      `INSERT INTO res_users SELECT (jsonb_populate_record(NULL::res_users, to_jsonb(u) || jsonb_build_object('id', $1::int, 'login', 'fhir-stranger'))).* FROM res_users u WHERE u.id = $2
       ON CONFLICT (id) DO NOTHING`, [STRANGER, OTHER]);
    for (const path of ['/fhir/Observation', `/fhir/Observation?subject=${MEMBER}`, '/fhir/Goal', '/fhir/Device', '/fhir/Observation/2749', `/fhir/Device/${MEMBER_DEVICE}`]) {
      const refused = expectFhir(await get(STRANGER, path), 403, 'OperationOutcome');
      expect(refused.issue[0].code, path).toBe('forbidden');
      expect(refused.issue[0].diagnostics, path).toMatch(/not allowed to access/);
    }
  });

  it('a member\'s bundle never holds another member\'s resource, whatever the parameters (property)', async () => {
    const query = fc.record({
      type: fc.constantFrom('Observation', 'Goal', 'Device'),
      subject: fc.option(fc.constantFrom(`${MEMBER}`, `Patient/${MEMBER}`, `${OTHER}`, `Patient/${MEMBER},Patient/${OTHER}`), { nil: undefined }),
      id: fc.option(fc.array(fc.integer({ min: 1, max: 6200 }), { minLength: 1, maxLength: 5 }).map((a) => a.join(',')), { nil: undefined }),
      code: fc.option(fc.constantFrom('8867-4', 'http://loinc.org|', '55423-8,93832-4', '15074-8'), { nil: undefined }),
      date: fc.option(fc.constantFrom('ge2026', 'lt2026-10', 'ne2026-11-20', '2026-11'), { nil: undefined }),
      count: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      offset: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      uid: fc.constantFrom(MEMBER, OTHER, MERCHANT),
    });
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const search = new URLSearchParams();
        if (q.subject) search.set(q.type === 'Device' ? 'patient' : 'subject', q.subject);
        if (q.id) search.set('_id', q.id);
        if (q.code && q.type === 'Observation') search.set('code', q.code);
        if (q.date && q.type === 'Observation') search.set('date', q.date);
        if (q.count !== undefined) search.set('_count', String(q.count));
        if (q.offset !== undefined) search.set('_offset', String(q.offset));
        const answer = await get(q.uid, `/fhir/${q.type}?${search}`);
        if (answer.status === 403) {
          expect(q.subject?.split(',').some((s) => !s.endsWith(`${q.uid}`)), search.toString()).toBe(true);
          return;
        }
        const bundle = expectFhir(answer, 200, 'Bundle');
        for (const subject of subjectsOf(bundle)) expect(subject).toBe(`Patient/${q.uid}`);
        if (bundle.total > 0 && q.count !== 0) expect(bundle.total).toBeLessThanOrEqual((await svc().query(`SELECT id FROM ${q.type === 'Observation' ? 'health_records' : q.type === 'Goal' ? 'health_goals' : 'device_bindings'} WHERE user_id = $1`, [q.uid])).rowCount!);
      }),
      { numRuns: 80 },
    );
  });

  it('every FHIR read is audited (protocol fhir: who, whose, what kind, how many; refused ones too), never a value', async () => {
    await svc().query('DELETE FROM health_read_audit');
    await get(MEMBER, '/fhir/Observation?code=8867-4');
    await get(MEMBER, `/fhir/Observation?subject=${OTHER}`);
    await get(COACH, `/fhir/Observation?subject=${OTHER}`);
    await get(OPERATOR, `/fhir/Device/${MEMBER_DEVICE}`);
    const { rows } = await svc().query('SELECT actor_uid, subject_uids, model, query_kind, protocol, outcome, row_count FROM health_read_audit ORDER BY id');
    expect(rows).toEqual([
      { actor_uid: MEMBER, subject_uids: [MEMBER], model: 'hp.health.record', query_kind: 'Observation search', protocol: 'fhir', outcome: 'granted', row_count: 1 },
      { actor_uid: MEMBER, subject_uids: [OTHER], model: 'hp.health.record', query_kind: 'Observation search', protocol: 'fhir', outcome: 'refused', row_count: null },
      { actor_uid: COACH, subject_uids: [OTHER], model: 'hp.health.record', query_kind: 'Observation search', protocol: 'fhir', outcome: 'granted', row_count: 1 },
      { actor_uid: OPERATOR, subject_uids: [MEMBER], model: 'hp.device.binding', query_kind: 'Device read', protocol: 'fhir', outcome: 'granted', row_count: 1 },
    ]);
  });

  it('before cutover the rows are read where they live, in the monolith', async () => {
    await stack.setOwner('legacy');
    try {
      const legacyOnly = await stack.legacy.pool.query<{ id: number }>(
        "INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source) VALUES ($1, 'weight', 63.4, 'kg', '2026-12-02 07:00:00', 'manual') RETURNING id", [MEMBER]);
      const bundle = expectFhir(await get(MEMBER, '/fhir/Observation?code=29463-7&date=2026-12-02'), 200, 'Bundle');
      expect(ids(bundle)).toEqual([legacyOnly.rows[0]!.id]);
      expect(bundle.entry[0].resource.valueQuantity.value).toBe(63.4);
    } finally {
      await stack.setOwner('service');
    }
  });
});
