import type { DrillCall } from './call-recorder.ts';
import type { TrackedGoal, UserChannel, UserLoadReport } from './user-load-types.ts';
import type { RestGoal, RestReading, UserRestClient } from './user-rest-client.ts';

/** What the REST calls share with the rest of the user load. */
export interface RestCallContext {
  rest: UserRestClient;
  /** The service's routes (`POST /users/:id/health-actions`, …): only those are called. */
  routes: ReadonlySet<string>;
  /** Members whose goals only REST moves (a health action advances the member's active goal of its type, which would race RPC's goal lifecycles). */
  members: readonly number[];
  report: UserLoadReport;
  runTag: string;
  /** Rows and members with a write or its read-back in flight. */
  busy: Set<string>;
  queueReadBack(method: string, channel: UserChannel, key: string, writtenAt: number, read: () => Promise<string | undefined>, then?: () => void): void;
  /** The routes the load called. */
  used: Set<string>;
}

const HEALTH_DATA = 'GET /users/:id/health-data';
const HEALTH_ACTION = 'POST /users/:id/health-actions';
const HEALTH_ACTION_READ = 'GET /users/:id/health-actions/:actionId';
const GOALS_PUT = 'PUT /users/:id/health-goals';
const GOAL_READ = 'GET /users/:id/health-goals/:goalId';
const BIND = 'POST /users/:id/device-bindings';
const BINDING_READ = 'GET /users/:id/device-bindings/:bindingId';
const BINDING_PATCH = 'PATCH /users/:id/device-bindings/:bindingId';
const READINGS = 'POST /users/:id/device-bindings/:bindingId/readings';

/** What a device of each kind measures, and a plausible reading of it (schemas/rest/user/device-readings.json). */
const DEVICE_READINGS: Record<string, { recordType: string; value: () => number; value2?: () => number }> = {
  watch: { recordType: 'heart_rate', value: () => 55 + rand(60) },
  band: { recordType: 'steps', value: () => 500 + rand(9000) },
  scale: { recordType: 'weight', value: () => 55 + rand(400) / 10 },
  glucometer: { recordType: 'blood_glucose', value: () => 4 + rand(60) / 10 },
  bp_monitor: { recordType: 'blood_pressure', value: () => 105 + rand(50), value2: () => 65 + rand(30) },
};
const ACTIONS: { recordType: string; value: () => number; value2?: () => number }[] = [
  { recordType: 'steps', value: () => 2000 + rand(12000) },
  { recordType: 'heart_rate', value: () => 55 + rand(60) },
  { recordType: 'weight', value: () => 55 + rand(400) / 10 },
  { recordType: 'blood_pressure', value: () => 105 + rand(50), value2: () => 65 + rand(30) },
  { recordType: 'sleep_hours', value: () => 5 + rand(40) / 10 },
  { recordType: 'blood_glucose', value: () => 4 + rand(60) / 10 },
];
const GOAL_TARGETS: { goalType: string; target: () => number }[] = [
  { goalType: 'steps', target: () => 8000 + 500 * rand(8) },
  { goalType: 'weight', target: () => 60 + rand(15) },
  { goalType: 'sleep', target: () => 7 + rand(3) / 2 },
  { goalType: 'glucose', target: () => 5 + rand(8) / 10 },
];

const rand = (max: number) => Math.floor(Math.random() * max);
const close = (a: unknown, b: number | null) => (b === null ? a === null : typeof a === 'number' && Math.abs(a - b) < 1e-9);
/** RFC 3339 to the second, `secondsAgo` before now (the natural key of a device reading is its time to the second). */
const rfc3339 = (secondsAgo: number) => new Date(Math.floor(Date.now() / 1000) * 1000 - secondsAgo * 1000).toISOString().replace('.000Z', 'Z');
const odooTime = (iso: string) => iso.slice(0, 19).replace('T', ' ');

/**
 * REST calls of the user load, on the routes the service has: `GET /users/{id}/health-data`
 * (raw, or per day) for any member, and for the members REST owns: health actions of every
 * type (each advancing the member's active goal of that type, as action_record_progress does),
 * goals set through `PUT /users/{id}/health-goals`, devices bound, unbound and their readings
 * synced (every other batch sent twice: stored once). Each write is read back by the same member
 * over REST (`GET` of what it created or changed); one write at a time per member, so a read-back
 * that differs is the service's doing.
 */
export function userRestCalls(c: RestCallContext) {
  const has = (route: string) => c.routes.has(route);
  const report = c.report;
  const goalsById = new Map<number, TrackedGoal>();
  /** The goals an answer showed: those the drill created are tracked as the answer has them. */
  const track = (goals: readonly RestGoal[], created: readonly number[] = []) => {
    for (const g of goals) {
      let tracked = goalsById.get(g.id);
      if (!tracked && created.includes(g.id)) {
        tracked = { id: g.id, userId: g.userId, goalType: g.goalType, target: g.targetValue, current: g.currentValue, state: g.state, via: 'rest' };
        goalsById.set(g.id, tracked);
        report.goals.push(tracked);
      }
      if (tracked) Object.assign(tracked, { target: g.targetValue, current: g.currentValue, state: g.state });
    }
  };
  const goalReadBack = (uid: number, goal: RestGoal, writtenAt: number) =>
    readBack(uid, GOAL_READ, `goal#${goal.id}`, writtenAt, async () => {
      const read = await c.rest.goal(uid, goal.id);
      return read.state !== goal.state || !close(read.currentValue, goal.currentValue) || !close(read.targetValue, goal.targetValue) || !close(read.progress, goal.progress)
        ? `goal ${goal.id}: reads ${read.state} ${read.currentValue}/${read.targetValue} (${read.progress} %), answered ${goal.state} ${goal.currentValue}/${goal.targetValue} (${goal.progress} %)`
        : undefined;
    });
  /** Per member: its write in flight and its read-backs not yet answered. The member is busy until none is left. */
  const pending = new Map<number, number>();
  const hold = (uid: number) => {
    pending.set(uid, (pending.get(uid) ?? 0) + 1);
    c.busy.add(`member#${uid}`);
  };
  const release = (uid: number) => {
    const left = (pending.get(uid) ?? 1) - 1;
    pending.set(uid, left);
    if (left === 0) c.busy.delete(`member#${uid}`);
  };
  /** A read-back of the member's write, holding the member until it is answered. */
  const readBack = (uid: number, method: string, key: string, writtenAt: number, read: () => Promise<string | undefined>) => {
    hold(uid);
    c.queueReadBack(method, 'rest', key, writtenAt, () => (c.used.add(method), read()), () => release(uid));
  };
  /** One REST write of a free member: the member stays busy until the write and its read-backs are answered. */
  const withMember = (k: number, method: string, run: (uid: number) => Promise<void>): DrillCall<UserChannel> | undefined => {
    const free = c.members.filter((uid) => !c.busy.has(`member#${uid}`));
    if (!free.length) return undefined;
    const uid = free[k % free.length]!;
    hold(uid);
    return {
      method, channel: 'rest', write: true,
      run: async () => {
        c.used.add(method);
        try {
          await run(uid);
        } finally {
          release(uid);
        }
      },
    };
  };

  const healthAction = (k: number) =>
    withMember(k, HEALTH_ACTION, async (uid) => {
      const plan = ACTIONS[k % ACTIONS.length]!;
      const value = plan.value();
      const value2 = plan.value2?.();
      const writtenAt = Date.now();
      const action = await c.rest.recordHealthAction(uid, { recordType: plan.recordType, value, ...(value2 === undefined ? {} : { value2 }), measuredAt: rfc3339(rand(3600)), note: `user drill ${c.runTag}` }, `${c.runTag}-action-${k}`);
      report.records.push({ id: action.id, userId: uid, recordType: plan.recordType, value, value2: value2 ?? null, deviceBindingId: null, via: 'rest' });
      track(action.goalsAdvanced ?? []);
      if (has(HEALTH_ACTION_READ)) {
        readBack(uid, HEALTH_ACTION_READ, `record#${action.id}`, writtenAt, async () => {
          const read = await c.rest.healthAction(uid, action.id);
          return read.recordType !== plan.recordType || !close(read.value, value) ? `health action ${action.id}: reads ${read.recordType} ${read.value}, wrote ${plan.recordType} ${value}` : undefined;
        });
      }
      for (const goal of action.goalsAdvanced ?? []) if (has(GOAL_READ)) goalReadBack(uid, goal, writtenAt);
    });

  const setGoal = (k: number) =>
    withMember(k, GOALS_PUT, async (uid) => {
      const plan = GOAL_TARGETS[k % GOAL_TARGETS.length]!;
      const writtenAt = Date.now();
      const answer = await c.rest.putGoals(uid, [{ goalType: plan.goalType, targetValue: plan.target() }]);
      track(answer.goals, answer.created);
      if (has(GOAL_READ)) for (const goal of answer.goals) goalReadBack(uid, goal, writtenAt);
    });

  const bindDevice = (k: number) =>
    withMember(k, BIND, async (uid) => {
      const deviceType = Object.keys(DEVICE_READINGS)[k % 5]!;
      const serial = `UREST-${c.runTag}-${k}`;
      const writtenAt = Date.now();
      const binding = await c.rest.bindDevice(uid, { deviceType, vendor: 'Drill', serial }, `${c.runTag}-bind-${k}`);
      report.bindings.push({ id: binding.id, userId: uid, deviceType, serial, active: true, via: 'rest' });
      if (has(BINDING_READ)) {
        readBack(uid, BINDING_READ, `binding#${binding.id}`, writtenAt, async () => {
          const read = await c.rest.binding(uid, binding.id);
          return read.serial !== serial || !read.active ? `binding ${binding.id}: reads ${read.serial} active ${read.active}, wrote ${serial} active` : undefined;
        });
      }
    });

  /** The member's devices bound over REST in this run and still bound. */
  const restDevices = (uid: number) => report.bindings.filter((b) => b.userId === uid && b.active && b.via === 'rest');
  const lastBatch = new Map<number, { bindingId: number; readings: RestReading[]; key: string }>();

  const syncReadings = (k: number) =>
    withMember(k, READINGS, async (uid) => {
      // Every other batch is the previous one sent again (a device retrying): nothing new is stored.
      const previous = lastBatch.get(uid);
      const again = k % 2 === 1 && previous && restDevices(uid).some((b) => b.id === previous.bindingId) ? previous : undefined;
      const device = restDevices(uid)[k % Math.max(1, restDevices(uid).length)];
      if (!again && !device) return void (await c.rest.healthData(uid, '?limit=5'));
      const batch = again ?? {
        bindingId: device!.id,
        key: `${c.runTag}-sync-${k}`,
        readings: Array.from({ length: 3 }, (_, i) => {
          const plan = DEVICE_READINGS[device!.deviceType]!;
          const value2 = plan.value2?.();
          // distinct seconds per batch and reading: k spreads batches over the last days
          return { recordType: plan.recordType, measuredAt: rfc3339(86_400 + k * 10 + i), value: plan.value(), ...(value2 === undefined ? {} : { value2 }) };
        }),
      };
      // A batch sent again carries a new Idempotency-Key (a device that lost the answer builds the request anew): the
      // readings' natural key (binding, type, second) is what stores them once.
      const answer = await c.rest.syncReadings(uid, batch.bindingId, batch.readings, again ? `${batch.key}-again` : batch.key);
      const expected = again ? { accepted: 0, duplicates: batch.readings.length } : { accepted: batch.readings.length, duplicates: 0 };
      if (answer.accepted !== expected.accepted || answer.duplicates !== expected.duplicates) {
        throw new Error(`readings sync ${again ? 'sent again' : 'sent'}: accepted ${answer.accepted}, duplicates ${answer.duplicates}; expected ${expected.accepted} and ${expected.duplicates}`);
      }
      if (!again) {
        for (const r of batch.readings) report.syncedReadings.push({ userId: uid, bindingId: batch.bindingId, recordType: r.recordType, measuredAt: odooTime(r.measuredAt), value: r.value });
        lastBatch.set(uid, batch);
      }
    });

  const unbind = (k: number) =>
    withMember(k, BINDING_PATCH, async (uid) => {
      const devices = restDevices(uid);
      if (devices.length < 2) return void (await c.rest.healthData(uid, '?limit=5'));
      const binding = devices[0]!;
      const writtenAt = Date.now();
      await c.rest.setBindingActive(uid, binding.id, false);
      binding.active = false;
      if (has(BINDING_READ)) {
        readBack(uid, BINDING_READ, `binding#${binding.id}`, writtenAt, async () => {
          const read = await c.rest.binding(uid, binding.id);
          return read.active ? `binding ${binding.id}: reads active, wrote unbound` : undefined;
        });
      }
    });

  const writes: [string, (k: number) => DrillCall<UserChannel> | undefined][] = [
    [HEALTH_ACTION, healthAction], [GOALS_PUT, setGoal], [BIND, bindDevice], [READINGS, syncReadings], [HEALTH_ACTION, healthAction], [BINDING_PATCH, unbind],
  ];
  const available = writes.filter(([route]) => has(route));
  let n = 0;
  return {
    /** A REST read of any member's health data (raw newest, or per day in the member's time zone), or undefined without the route. */
    read(uid: number, k: number): DrillCall<UserChannel> | undefined {
      if (!has(HEALTH_DATA)) return undefined;
      return { method: HEALTH_DATA, channel: 'rest', write: false, run: async () => (c.used.add(HEALTH_DATA), void (await c.rest.healthData(uid, k % 2 ? '?aggregate=day&limit=30' : '?limit=20'))) };
    },
    /** The next REST write, or undefined (no such route, or every REST member busy). */
    write(): DrillCall<UserChannel> | undefined {
      if (!available.length) return undefined;
      const k = n++;
      return available[k % available.length]![1](k);
    },
  };
}
