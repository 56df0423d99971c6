import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidEvent } from '../../../services/kit/index.ts';
import { COACH, MEMBER, OPERATOR, OTHER_MEMBER, startDeviceRestStack, type DeviceRestStack, type UserOwner } from './device-rest-stack.ts';

type RecordType = 'steps' | 'heart_rate' | 'sleep_hours' | 'blood_pressure' | 'blood_glucose' | 'weight';
interface Reading { recordType: RecordType; measuredAt: string; value: number; value2?: number }

const BAND_TYPES = ['steps', 'heart_rate', 'sleep_hours'] as const;
const UNITS: Record<RecordType, string> = { steps: 'steps', heart_rate: 'bpm', blood_pressure: 'mmHg', blood_glucose: 'mmol/L', weight: 'kg', sleep_hours: 'h' };

/** `n` band readings with distinct keys: one a minute from `start`, types in turn, plausible values from `seed`. */
function bandReadings(n: number, start: number, seed: number): Reading[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const recordType = BAND_TYPES[i % 3]!;
    const value = recordType === 'steps' ? Math.floor(next() * 20_000) : recordType === 'heart_rate' ? 50 + Math.round(next() * 700) / 10 : Math.round(next() * 100) / 10;
    return { recordType, measuredAt: new Date(start + i * 60_000).toISOString(), value };
  });
}

/** Fisher–Yates with a seeded generator, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  }));
  return results;
}

describe.each<UserOwner>(['service', 'legacy'])('device-data sync, M02 owned by %s', (owner) => {
  let stack: DeviceRestStack;
  let call: DeviceRestStack['call'];
  const as = (uid: number) => stack.token(uid);
  let serialSeq = 0;
  const bindNew = async (uid: number, deviceType = 'band') => {
    const answer = await call('POST', `/users/${uid}/device-bindings`, as(uid), { deviceType, vendor: 'Huawei', serial: `SYNC-${owner}-${Date.now()}-${serialSeq++}` });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as { id: number; userId: number };
  };
  const sync = (uid: number, binding: { id: number; userId: number }, readings: unknown[], headers?: Record<string, string>) =>
    call('POST', `/users/${binding.userId}/device-bindings/${binding.id}/readings`, as(uid), { readings }, headers);
  const storedOf = async (bindingId: number) => (await stack.home.query<{ record_type: string; measured_at: string; value: number; n: number }>(
    `SELECT record_type, to_char(measured_at, 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') AS measured_at, min(value) AS value, count(*)::int AS n
       FROM health_records WHERE device_binding_id = $1 GROUP BY 1, 2`, [bindingId])).rows;
  const eventsOf = async (bindingId: number) =>
    (await stack.service.pool.query<{ payload: any }>(`SELECT payload FROM outbox WHERE type = 'device_data_synced' AND payload->>'subject' = $1 ORDER BY seq`, [`hp.device.binding/${bindingId}`])).rows.map((r) => r.payload);

  beforeAll(async () => {
    stack = await startDeviceRestStack({ owner });
    call = stack.call;
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('10,000 readings sent twice in shuffled batches, concurrently: each stored exactly once; 10,000 accepted, 10,000 duplicates; one event per batch that stored something', async () => {
    const binding = await bindNew(MEMBER);
    const readings = bandReadings(10_000, Date.UTC(2026, 5, 1), 42);
    const first = chunks(shuffled(readings, 1), 500);
    const second = chunks(shuffled(readings, 2), 350);
    // The two sends interleaved, so batches with overlapping readings are in flight together.
    const batches = shuffled([...first, ...second], 3);
    const answers = await inParallel(batches.map((batch) => () => sync(MEMBER, binding, batch)), 6);
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answers.reduce((sum, a) => sum + a.body.accepted, 0)).toBe(10_000);
    expect(answers.reduce((sum, a) => sum + a.body.duplicates, 0)).toBe(10_000);

    const stored = await storedOf(binding.id);
    expect(stored.length).toBe(10_000);
    expect(stored.filter((r) => r.n !== 1)).toEqual([]);
    const byKey = new Map(stored.map((r) => [`${r.record_type} ${r.measured_at}`, r.value]));
    expect(readings.filter((r) => byKey.get(`${r.recordType} ${r.measuredAt}`) !== r.value)).toEqual([]);
    const rows = (await stack.home.query(`SELECT DISTINCT user_id, source, record_type, unit, create_uid, value2 FROM health_records WHERE device_binding_id = $1 ORDER BY record_type`, [binding.id])).rows;
    expect(rows).toEqual(BAND_TYPES.slice().sort().map((t) => ({ user_id: MEMBER, source: 'device', record_type: t, unit: UNITS[t], create_uid: MEMBER, value2: 0 })));

    const events = await eventsOf(binding.id);
    expect(events.length).toBe(answers.filter((a) => a.body.accepted > 0).length);
    for (const event of events) assertValidEvent(event);
    expect(events.reduce((sum, e) => sum + e.data.recordCount, 0)).toBe(10_000);
    expect(events[0].data).toMatchObject({ bindingId: binding.id, userId: MEMBER, deviceType: 'band', vendor: 'Huawei' });

    // Sending it all once more stores nothing, publishes nothing and leaves last_sync_at.
    const lastSync = (await stack.home.query('SELECT last_sync_at FROM device_bindings WHERE id = $1', [binding.id])).rows[0].last_sync_at;
    expect(lastSync).not.toBeNull();
    const again = await sync(MEMBER, binding, readings.slice(0, 1000));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1000 });
    expect((await eventsOf(binding.id)).length).toBe(events.length);
    expect((await stack.home.query('SELECT last_sync_at FROM device_bindings WHERE id = $1', [binding.id])).rows[0].last_sync_at).toEqual(lastSync);
  }, 240_000);

  it('property: any readings, repeated and split into any batches sent at once, are stored once per key (binding, type, second); accepted counts the keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ type: fc.constantFrom(...BAND_TYPES), minute: fc.integer({ min: 0, max: 40 }), second: fc.integer({ min: 0, max: 59 }), millis: fc.integer({ min: 0, max: 999 }), value: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        async (drawn, batchSize, seed) => {
          const binding = await bindNew(MEMBER);
          const start = Date.UTC(2026, 3, 1);
          // Values inside each type's plausible range (steps, bpm, hours).
          const valueOf = (d: (typeof drawn)[number]) => (d.type === 'steps' ? d.value * 100 : d.type === 'heart_rate' ? 40 + d.value : d.value / 4);
          const readings: Reading[] = drawn.map((d) => ({ recordType: d.type, measuredAt: new Date(start + d.minute * 60_000 + d.second * 1000 + d.millis).toISOString(), value: valueOf(d) }));
          // Every reading goes twice, in another order the second time.
          const batches = chunks([...readings, ...shuffled(readings, seed)], batchSize);
          const answers = await Promise.all(batches.map((batch) => sync(MEMBER, binding, batch)));
          const keys = new Set(drawn.map((d) => `${d.type} ${d.minute}:${d.second}`));
          expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
          expect(answers.reduce((sum, a) => sum + a.body.accepted, 0)).toBe(keys.size);
          expect(answers.reduce((sum, a) => sum + a.body.accepted + a.body.duplicates, 0)).toBe(readings.length * 2);
          const stored = await storedOf(binding.id);
          expect(stored.length).toBe(keys.size);
          expect(stored.every((r) => r.n === 1)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);

  it('a member syncs only their own devices; coaches too; an operator syncs anyone\'s (hp.health.record\'s create rules), a binding under another member\'s path is 404', async () => {
    const binding = await bindNew(MEMBER);
    const reading = [{ recordType: 'steps', measuredAt: '2026-10-01T08:00:00Z', value: 1200 }];
    expect((await sync(OTHER_MEMBER, binding, reading)).status).toBe(404);
    expect((await sync(COACH, binding, reading)).status).toBe(404);
    expect((await call('POST', `/users/${OTHER_MEMBER}/device-bindings/${binding.id}/readings`, as(OTHER_MEMBER), { readings: reading })).status).toBe(404);
    expect((await call('POST', `/users/${OTHER_MEMBER}/device-bindings/${binding.id}/readings`, as(MEMBER), { readings: reading })).status).toBe(404);
    expect(await storedOf(binding.id)).toEqual([]);
    const byOperator = await sync(OPERATOR, binding, reading);
    expect(byOperator.status, JSON.stringify(byOperator.body)).toBe(200);
    expect((await stack.home.query('SELECT user_id, create_uid FROM health_records WHERE device_binding_id = $1', [binding.id])).rows).toEqual([{ user_id: MEMBER, create_uid: OPERATOR }]);
    const coachOwn = await bindNew(COACH, 'scale');
    expect((await sync(COACH, coachOwn, [{ recordType: 'weight', measuredAt: '2026-10-01T08:00:00Z', value: 81.5, unit: 'kg' }])).body).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('stores each type with the monolith\'s unit, blood pressure with its diastolic value; one second is one reading', async () => {
    const monitor = await bindNew(MEMBER, 'bp_monitor');
    const answer = await sync(MEMBER, monitor, [
      { recordType: 'blood_pressure', measuredAt: '2026-10-02T07:00:00.250+02:00', value: 128, value2: 84, unit: 'mmHg' },
      { recordType: 'blood_pressure', measuredAt: '2026-10-02T05:00:00.900Z', value: 131, value2: 86 },
    ]);
    expect(answer).toMatchObject({ status: 200, body: { bindingId: monitor.id, accepted: 1, duplicates: 1 } });
    expect(Date.parse(answer.body.lastSyncAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await stack.home.query(`SELECT record_type, unit, value, value2, to_char(measured_at, 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM health_records WHERE device_binding_id = $1`, [monitor.id])).rows)
      .toEqual([{ record_type: 'blood_pressure', unit: 'mmHg', value: 128, value2: 84, at: '2026-10-02 05:00:00.000000' }]);
    const glucometer = await bindNew(MEMBER, 'glucometer');
    expect((await sync(MEMBER, glucometer, [{ recordType: 'blood_glucose', measuredAt: '2026-10-02T05:00:00Z', value: 6.2 }])).body.accepted).toBe(1);
    expect((await stack.home.query('SELECT unit FROM health_records WHERE device_binding_id = $1', [glucometer.id])).rows).toEqual([{ unit: 'mmol/L' }]);
  });

  it('refuses a bad batch whole, storing nothing: 400 for the schema (size, unit, range, missing diastolic), 422 for a type the device does not measure or a future time, 409 for an unbound device', async () => {
    const band = await bindNew(MEMBER);
    const ok = { recordType: 'steps', measuredAt: '2026-10-01T08:00:00Z', value: 10 };
    const refusal = async (readings: unknown[], status: number, pointer?: string) => {
      const answer = await sync(MEMBER, band, readings);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      if (pointer) expect(answer.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      return answer.body;
    };
    await refusal([], 400);
    await refusal(Array.from({ length: 1001 }, (_, i) => ({ ...ok, measuredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() })), 400, '#/readings');
    await refusal([ok, { ...ok, unit: 'kg' }], 400, '#/readings/1/unit');
    await refusal([{ ...ok, value: -5 }], 400, '#/readings/0/value');
    await refusal([{ ...ok, value: 10.5 }], 400, '#/readings/0/value');
    await refusal([{ ...ok, value2: 3 }], 400, '#/readings/0/value2');
    await refusal([{ recordType: 'heart_rate', measuredAt: 'yesterday', value: 70 }], 400, '#/readings/0/measuredAt');
    expect((await refusal([ok, { recordType: 'weight', measuredAt: '2026-10-01T08:00:00Z', value: 70 }], 422)).detail).toBe('Reading 1: a band does not measure weight (it measures steps, heart_rate, sleep_hours).');
    expect((await refusal([ok, { ...ok, measuredAt: new Date(Date.now() + 3_600_000).toISOString() }], 422)).detail).toBe('Reading 1: measuredAt lies in the future.');
    const monitor = await bindNew(MEMBER, 'bp_monitor');
    expect((await sync(MEMBER, monitor, [{ recordType: 'blood_pressure', measuredAt: '2026-10-01T08:00:00Z', value: 120 }])).status).toBe(400);
    expect(await storedOf(band.id)).toEqual([]);
    expect(await eventsOf(band.id)).toEqual([]);

    expect((await call('PATCH', `/users/${MEMBER}/device-bindings/${band.id}`, as(MEMBER), { active: false })).status).toBe(200);
    const unbound = await sync(MEMBER, band, [ok]);
    expect(unbound.status).toBe(409);
    expect(unbound.body.type).toBe('https://ficus.dev/problems/wrong-state');
    expect(await storedOf(band.id)).toEqual([]);
  });
});
