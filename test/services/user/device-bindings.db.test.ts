import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import user from '../../../services/user/index.ts';
import { ADMIN, COACH, MEMBER, OPERATOR, OTHER_MEMBER, startDeviceRestStack, type DeviceRestStack, type UserOwner } from './device-rest-stack.ts';

let serialSeq = 0;
/** A serial no binding of the fixture has (theirs look like WA-2438888667). */
const newSerial = () => `T-${process.pid}-${Date.now()}-${serialSeq++}`;

describe.each<UserOwner>(['service', 'legacy'])('device bindings, M02 owned by %s', (owner) => {
  let stack: DeviceRestStack;
  let call: DeviceRestStack['call'];
  const as = (uid: number) => stack.token(uid);
  const activeBindings = async (serial: string) =>
    (await stack.home.query<{ id: number; user_id: number }>('SELECT id, user_id FROM device_bindings WHERE btrim(serial) = $1 AND active ORDER BY id', [serial])).rows;
  const bind = (uid: number, forUser: number, body: Record<string, unknown>) => call('POST', `/users/${forUser}/device-bindings`, as(uid), body);

  beforeAll(async () => {
    stack = await startDeviceRestStack({ owner });
    call = stack.call;
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('binds a device to the caller: 201, a Location that resolves, the row where M02 lives (active, bound now to the second, trimmed)', async () => {
    const serial = newSerial();
    const created = await bind(MEMBER, MEMBER, { deviceType: 'watch', vendor: ' Xiaomi ', serial: ` ${serial} ` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ userId: MEMBER, deviceType: 'watch', vendor: 'Xiaomi', serial, active: true, lastSyncAt: null });
    expect(Date.now() - Date.parse(created.body.boundAt)).toBeLessThan(60_000);
    expect(created.headers.get('location')).toBe(`/users/${MEMBER}/device-bindings/${created.body.id}`);
    expect(await call('GET', created.headers.get('location')!, as(MEMBER))).toMatchObject({ status: 200, body: created.body });
    const row = (await stack.home.query('SELECT user_id, create_uid, write_uid, active, vendor, serial, extract(microseconds FROM bound_at)::int % 1000000 AS fraction FROM device_bindings WHERE id = $1', [created.body.id])).rows[0];
    expect(row).toEqual({ user_id: MEMBER, create_uid: MEMBER, write_uid: MEMBER, active: true, vendor: 'Xiaomi', serial, fraction: 0 });
    const other = owner === 'service' ? stack.legacy.pool : stack.service.pool;
    expect((await other.query('SELECT count(*)::int AS n FROM device_bindings WHERE serial = $1', [serial])).rows[0].n).toBe(0);
  });

  it('a second active binding of the same device (type + vendor without case or blanks + serial) is 409 problem+json; naming the binding only to its member', async () => {
    const serial = newSerial();
    const first = await bind(MEMBER, MEMBER, { deviceType: 'bp_monitor', vendor: 'Omron', serial });
    expect(first.status).toBe(201);
    const byOther = await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'bp_monitor', vendor: ' OMRON', serial: `${serial} ` });
    expect(byOther.status).toBe(409);
    expect(byOther.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(byOther.body).toMatchObject({ type: 'https://ficus.dev/problems/device-already-bound', status: 409 });
    expect(byOther.body.detail).not.toContain(String(first.body.id));
    expect(byOther.body.detail).not.toContain(String(MEMBER));
    const again = await bind(MEMBER, MEMBER, { deviceType: 'bp_monitor', vendor: 'omron', serial });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`device binding ${first.body.id}`);
    expect(await activeBindings(serial)).toEqual([{ id: first.body.id, user_id: MEMBER }]);
    // Another kind of device, or another vendor, with the same serial is another device.
    expect((await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'scale', vendor: 'Omron', serial })).status).toBe(201);
    expect((await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'bp_monitor', vendor: 'Yuwell', serial })).status).toBe(201);
    expect((await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'bp_monitor', serial })).status).toBe(201);
  });

  it('an Idempotency-Key replays the first answer (201, the same binding) instead of meeting the guard; the key with another body is 422', async () => {
    const serial = newSerial();
    const key = `bind-${serial}`;
    const first = await call('POST', `/users/${MEMBER}/device-bindings`, as(MEMBER), { deviceType: 'scale', vendor: 'Withings', serial }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const replay = await call('POST', `/users/${MEMBER}/device-bindings`, as(MEMBER), { deviceType: 'scale', vendor: 'Withings', serial }, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await call('POST', `/users/${MEMBER}/device-bindings`, as(MEMBER), { deviceType: 'scale', vendor: 'Withings', serial }, { 'idempotency-key': `${key}-2` })).status).toBe(409);
    expect((await call('POST', `/users/${MEMBER}/device-bindings`, as(MEMBER), { deviceType: 'scale', serial }, { 'idempotency-key': key })).status).toBe(422);
    expect(await activeBindings(serial)).toEqual([{ id: first.body.id, user_id: MEMBER }]);
  });

  it('race: twelve members binding one new device at once get one 201 and eleven 409, one active binding stored', async () => {
    for (let round = 0; round < 3; round++) {
      const serial = newSerial();
      const members = Array.from({ length: 12 }, (_, i) => 10 + round * 12 + i);
      const answers = await Promise.all(members.map((m) => bind(m, m, { deviceType: 'glucometer', vendor: 'Roche', serial })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(11).fill(409)]);
      const winner = answers.find((a) => a.status === 201)!.body;
      expect(await activeBindings(serial)).toEqual([{ id: winner.id, user_id: winner.userId }]);
    }
  });

  it('unbinding is active false (the binding and its history stay); then another member may bind the device, and binding the old one again is 409', async () => {
    const serial = newSerial();
    const first = (await bind(MEMBER, MEMBER, { deviceType: 'band', vendor: 'Fitbit', serial })).body;
    const path = `/users/${MEMBER}/device-bindings/${first.id}`;
    const unbound = await call('PATCH', path, as(MEMBER), { active: false });
    expect(unbound).toMatchObject({ status: 200, body: { id: first.id, active: false } });
    expect((await call('PATCH', path, as(MEMBER), { active: false })).body.active).toBe(false);
    const listed = await call('GET', `/users/${MEMBER}/device-bindings?active=false`, as(MEMBER));
    expect(listed.body.items.map((b: { id: number }) => b.id)).toContain(first.id);
    expect((await call('GET', `/users/${MEMBER}/device-bindings`, as(MEMBER))).body.items.map((b: { id: number }) => b.id)).not.toContain(first.id);

    const second = await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'band', vendor: 'Fitbit', serial });
    expect(second.status).toBe(201);
    const rebind = await call('PATCH', path, as(MEMBER), { active: true });
    expect(rebind.status).toBe(409);
    expect(rebind.body.type).toBe('https://ficus.dev/problems/device-already-bound');
    expect((await call('PATCH', `/users/${OTHER_MEMBER}/device-bindings/${second.body.id}`, as(OTHER_MEMBER), { active: false })).status).toBe(200);
    expect(await call('PATCH', path, as(MEMBER), { active: true })).toMatchObject({ status: 200, body: { active: true } });
    expect(await activeBindings(serial)).toEqual([{ id: first.id, user_id: MEMBER }]);
  });

  it('a member binds, lists and reads only their own devices; coaches too; operators and admins anyone\'s (hp_personal\'s rules)', async () => {
    const before = (await stack.home.query('SELECT count(*)::int AS n FROM device_bindings')).rows[0].n;
    const forOther = await bind(MEMBER, OTHER_MEMBER, { deviceType: 'scale', vendor: 'Yunmai', serial: newSerial() });
    expect(forOther.status).toBe(403);
    expect((await bind(COACH, MEMBER, { deviceType: 'scale', serial: newSerial() })).status).toBe(403);
    expect((await stack.home.query('SELECT count(*)::int AS n FROM device_bindings')).rows[0].n).toBe(before);

    const others = (await bind(OTHER_MEMBER, OTHER_MEMBER, { deviceType: 'scale', vendor: 'Yunmai', serial: newSerial() })).body;
    expect((await call('GET', `/users/${OTHER_MEMBER}/device-bindings`, as(MEMBER))).status).toBe(403);
    expect((await call('GET', `/users/${OTHER_MEMBER}/device-bindings/${others.id}`, as(MEMBER))).status).toBe(404);
    expect((await call('GET', `/users/${MEMBER}/device-bindings/${others.id}`, as(MEMBER))).status).toBe(404);
    expect((await call('PATCH', `/users/${OTHER_MEMBER}/device-bindings/${others.id}`, as(MEMBER), { active: false })).status).toBe(404);
    expect((await call('GET', `/users/${OTHER_MEMBER}/device-bindings`, as(COACH))).status).toBe(403);

    // A member's list holds exactly their active bindings, as the rows say.
    const own = await call('GET', `/users/${MEMBER}/device-bindings?limit=200`, as(MEMBER));
    expect(own.status).toBe(200);
    const expected = (await stack.home.query('SELECT id FROM device_bindings WHERE user_id = $1 AND active ORDER BY bound_at DESC, id DESC', [MEMBER])).rows.map((r) => r.id);
    expect(own.body.items.map((b: { id: number }) => b.id)).toEqual(expected);
    expect(own.body.total).toBe(expected.length);

    const operatorList = await call('GET', `/users/${OTHER_MEMBER}/device-bindings`, as(OPERATOR));
    expect(operatorList.status).toBe(200);
    expect(operatorList.body.items.every((b: { userId: number }) => b.userId === OTHER_MEMBER)).toBe(true);
    const byOperator = await bind(OPERATOR, OTHER_MEMBER, { deviceType: 'watch', vendor: 'Huawei', serial: newSerial() });
    expect(byOperator.status, JSON.stringify(byOperator.body)).toBe(201);
    expect((await stack.home.query('SELECT user_id, create_uid FROM device_bindings WHERE id = $1', [byOperator.body.id])).rows[0]).toEqual({ user_id: OTHER_MEMBER, create_uid: OPERATOR });
    expect((await call('PATCH', `/users/${OTHER_MEMBER}/device-bindings/${byOperator.body.id}`, as(ADMIN), { active: false })).status).toBe(200);
  });

  it('every read of bindings is audited in svc_user (who, whose, REST, granted or refused), and the answer of a bind', async () => {
    const count = async () => (await stack.service.pool.query(`SELECT count(*)::int AS n FROM health_read_audit WHERE model = 'hp.device.binding' AND protocol = 'rest'`)).rows[0].n;
    const before = await count();
    await call('GET', `/users/${MEMBER}/device-bindings`, as(MEMBER));
    await call('GET', `/users/${OTHER_MEMBER}/device-bindings`, as(MEMBER));
    const bound = await bind(OPERATOR, OTHER_MEMBER, { deviceType: 'band', vendor: 'Huawei', serial: newSerial() });
    expect(bound.status).toBe(201);
    expect(await count()).toBe(before + 3);
    const rows = (await stack.service.pool.query(`SELECT actor_uid, subject_uids, query_kind, outcome, row_count FROM health_read_audit WHERE model = 'hp.device.binding' ORDER BY id DESC LIMIT 3`)).rows;
    expect(rows).toEqual([
      { actor_uid: OPERATOR, subject_uids: [OTHER_MEMBER], query_kind: 'write_answer', outcome: 'granted', row_count: 1 },
      { actor_uid: MEMBER, subject_uids: [OTHER_MEMBER], query_kind: 'list', outcome: 'refused', row_count: null },
      { actor_uid: MEMBER, subject_uids: [MEMBER], query_kind: 'list', outcome: 'granted', row_count: expect.any(Number) },
    ]);
  });

  it('refuses bad input with 400 problems and writes nothing; an unknown user is 404', async () => {
    const before = (await stack.home.query('SELECT count(*)::int AS n FROM device_bindings')).rows[0].n;
    expect((await bind(MEMBER, MEMBER, { deviceType: 'watch' })).status).toBe(400);
    expect((await bind(MEMBER, MEMBER, { deviceType: 'toaster', serial: 'X1' })).status).toBe(400);
    expect((await bind(MEMBER, MEMBER, { deviceType: 'watch', serial: '   ' })).status).toBe(400);
    expect((await bind(MEMBER, MEMBER, { deviceType: 'watch', serial: 'X1', owner: 7 })).status).toBe(400);
    expect((await call('PATCH', `/users/${MEMBER}/device-bindings/1`, as(MEMBER), { active: 'no' })).status).toBe(400);
    expect((await bind(OPERATOR, 999_999, { deviceType: 'watch', serial: newSerial() })).status).toBe(404);
    expect((await stack.home.query('SELECT count(*)::int AS n FROM device_bindings')).rows[0].n).toBe(before);
  });
});

describe('no uniqueness where Odoo has none', () => {
  it('after cutover, Odoo RPC on hp.device.binding creates a second active binding of a device as the addon does (migration 0003 adds no unique index); REST refuses a third', async () => {
    const stack = await startDeviceRestStack({ owner: 'service' });
    const engine = createServiceEngine(user as ServiceWithOdooFace, { name: 'hp_legacy', pool: stack.service.pool, logger: createLogger({ level: 'silent', format: 'json' }) });
    try {
      const create = (uid: number) => engine.call({ database: 'hp_legacy', uid, model: 'hp.device.binding', method: 'create', args: [{ user_id: uid, device_type: 'watch', vendor: 'Xiaomi', serial: 'WA-SAME' }], kwargs: {} });
      const first = await create(MEMBER);
      const second = await create(OTHER_MEMBER);
      const rows = (await stack.service.pool.query(`SELECT id, user_id, active FROM device_bindings WHERE serial = 'WA-SAME' ORDER BY id`)).rows;
      expect(rows).toEqual([{ id: first, user_id: MEMBER, active: true }, { id: second, user_id: OTHER_MEMBER, active: true }]);
      const unique = await stack.service.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('device_bindings', 'health_records') AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE '%_pkey'`);
      expect(unique.rows).toEqual([]);
      const third = await stack.call('POST', `/users/${MEMBER}/device-bindings`, stack.token(MEMBER), { deviceType: 'watch', vendor: 'xiaomi', serial: 'WA-SAME' });
      expect(third.status).toBe(409);
    } finally {
      await stack.stop();
    }
  });
});
