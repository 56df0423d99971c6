import type { DeviceType, HealthRecordType } from '../../services/user/db/tables.ts';
import { DEVICE_RECORD_TYPES } from '../../services/user/domain/device-identity.ts';
import { goalProgress } from '../../migration/reconcile/user-rules.ts';
import { emptyCallFigures, messageOf, type DrillCall } from './call-recorder.ts';
import { pacedLoad } from './paced-load.ts';
import { readBackQueue } from './read-backs.ts';
import { rpcLogins } from './rpc-logins.ts';
import { userRestCalls } from './user-rest-calls.ts';
import { userRestClient } from './user-rest-client.ts';
import { CHANNELS, type UserChannel, type CreatedRecord, type StaleRead, type SyncedReading, type TrackedAssessment, type TrackedBinding, type TrackedGoal, type UserLoadOptions, type UserLoadReport } from './user-load-types.ts';

export type { CreatedRecord, StaleRead, SyncedReading, TrackedAssessment, TrackedBinding, TrackedGoal, UserChannel, UserLoadOptions, UserLoadReport } from './user-load-types.ts';

/** The addon's refusal of progress on a goal that is not active (hp_health_goal.py). */
const NOT_ACTIVE = /Only active goals can record progress/;

const MEASUREMENTS: Record<string, { unit: string; value: () => number; value2?: () => number }> = {
  steps: { unit: 'steps', value: () => 1000 + rand(15000) },
  heart_rate: { unit: 'bpm', value: () => 50 + rand(70) },
  blood_pressure: { unit: 'mmHg', value: () => 100 + rand(60), value2: () => 60 + rand(40) },
  blood_glucose: { unit: 'mmol/L', value: () => 4 + rand(50) / 10 },
  weight: { unit: 'kg', value: () => 50 + rand(500) / 10 },
  sleep_hours: { unit: 'h', value: () => 4 + rand(50) / 10 },
};
const RECORD_TYPES = Object.keys(MEASUREMENTS);

/** Goals with a target and three readings that reach it (down to it for weight and glucose). */
const GOAL_PLANS: { goalType: string; target: number; readings: number[] }[] = [
  { goalType: 'steps', target: 10000, readings: [3500, 7250, 10400] },
  { goalType: 'sleep', target: 7.5, readings: [5.5, 6.8, 7.9] },
  { goalType: 'weight', target: 68, readings: [79.5, 73.2, 67.6] },
  { goalType: 'glucose', target: 5.6, readings: [7.8, 6.4, 5.4] },
];
const DEVICE_TYPES = ['watch', 'band', 'scale', 'glucometer', 'bp_monitor'];

const rand = (max: number) => Math.floor(Math.random() * max);
/** Odoo's datetime text (UTC) `seconds` ago. */
const odooDatetime = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString().slice(0, 19).replace('T', ' ');
const lowerIsBetter = (goalType: string) => goalType === 'weight' || goalType === 'glucose';
const reached = (goalType: string, target: number, current: number) => (lowerIsBetter(goalType) ? current <= target : current >= target);
const close = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) < 1e-9;

/**
 * Mixed M02 traffic through the gateway, open loop (open-loop.ts: calls start on schedule
 * whatever the answers take; late starts counted). Members alternate XML-RPC and JSON-RPC, coaches
 * too. Per ten calls, four are writes, each read back by the client that made it over the same
 * protocol (a row it does not show, or shows without the write, is a stale read; a row is never
 * written again before its read-back is answered): a member records a measurement
 * (hp.health.record.create, every fourth from a device of its that measures it); a goal
 * lifecycle step (create, action_record_progress until reached, a target changed on the way,
 * action_abandon on one in four, and progress asked once more of a goal no longer active, which
 * the addon refuses: an answer, not a failure); a device bound, its sync time written or unbound,
 * or a coach's assessment created (risk_level computed from the score) or re-scored; and, with
 * REST writes on, a REST write of the routes the service has (user-rest-calls.ts: health
 * actions, goals, devices and their readings, by the quarter of the members REST owns; RPC's goal
 * lifecycles keep to the others), else another record or goal step. The other six calls are the
 * read-backs, else reads: a member's newest health records, goals, bindings, assessments, records
 * grouped by type (read_group), a coach's view of a member's records and of the assessments it
 * runs, and `GET /users/{id}/health-data`. Any error other than the expected refusal is a failed
 * call.
 */
export async function startUserLoad(o: UserLoadOptions) {
  const figures = emptyCallFigures(CHANNELS);
  const report: UserLoadReport = {
    ...figures, records: [], syncedReadings: [], goals: [], bindings: [], assessments: [], readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], memberIds: [], coachIds: [],
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  const coaches = await rpcLogins(o.gatewayUrl, o.database, 'coach', o.coaches);
  report.memberIds = members.map((m) => m.uid);
  report.coachIds = coaches.map((c) => c.uid);
  const restUsed = new Set<string>();
  // With REST, a quarter of the members (at least two) are REST's: a health action advances the
  // member's active goal of its type, so RPC's goal lifecycles keep to the other members.
  const restMembers = o.restUrl ? members.slice(members.length - Math.max(2, Math.floor(members.length / 4))) : [];
  const rpcGoalMembers = members.slice(0, members.length - restMembers.length);

  /** The next steps of lifecycles, ready to run before any new one. */
  const ready: DrillCall<UserChannel>[] = [];
  /**
   * Rows with a write or its read-back in flight: the drill never writes a row again before the
   * client has read its last write back, so a read-back that differs is the gateway's doing.
   */
  const busy = new Set<string>();
  const rowKey = (model: string, id: number) => `${model}#${id}`;
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<UserChannel>(report, busy);

  const member = (k: number) => members[k % members.length]!;
  const rest = o.restUrl
    ? userRestCalls({
        rest: userRestClient(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), members: restMembers.map((m) => m.uid),
        report, runTag: o.runTag, busy, queueReadBack, used: restUsed,
      })
    : undefined;
  const coach = (k: number) => coaches[k % coaches.length]!;

  const readCall = (k: number): DrillCall<UserChannel> => {
    const m = member(k);
    const c = coach(k);
    switch (k % 8) {
      case 0:
        return { method: 'hp.health.record.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.health.record', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['record_type', 'value', 'value2', 'unit', 'measured_at'], limit: 10 })) };
      case 1:
        return { method: 'hp.health.goal.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.health.goal', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['goal_type', 'state', 'target_value', 'current_value', 'progress'], limit: 10 })) };
      case 2:
        return { method: 'hp.device.binding.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.device.binding', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['device_type', 'serial', 'last_sync_at', 'active'] })) };
      case 3:
        return { method: 'hp.assessment.search_read', channel: m.channel, write: false, run: async () => void (await m.exec('hp.assessment', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['assessment_type', 'score', 'risk_level', 'coach_id'], limit: 5 })) };
      case 4:
        return { method: 'hp.health.record.read_group', channel: m.channel, write: false, run: async () => void (await m.exec('hp.health.record', 'read_group', [[['user_id', '=', m.uid]], ['value:avg'], ['record_type']], { lazy: true })) };
      case 5:
        // Coaches read every member's health records (the addon's rule), newest first.
        return { method: 'hp.health.record.search_read (coach)', channel: c.channel, write: false, run: async () => void (await c.exec('hp.health.record', 'search_read', [[['user_id', '=', m.uid]]], { fields: ['record_type', 'value', 'measured_at'], limit: 10 })) };
      case 6:
        return { method: 'hp.assessment.search_read (coach)', channel: c.channel, write: false, run: async () => void (await c.exec('hp.assessment', 'search_read', [[['coach_id', '=', c.uid]]], { fields: ['user_id', 'score', 'risk_level'], limit: 10 })) };
      default:
        return rest?.read(m.uid, k) ?? { method: 'hp.health.goal.search_count', channel: m.channel, write: false, run: async () => void (await m.exec('hp.health.goal', 'search_count', [[['user_id', '=', m.uid], ['state', '=', 'active']]])) };
    }
  };

  const healthRecord = (k: number): DrillCall<UserChannel> => {
    const m = member(k * 3 + 1);
    const recordType = RECORD_TYPES[k % RECORD_TYPES.length]!;
    const plan = MEASUREMENTS[recordType]!;
    const value = plan.value();
    const value2 = plan.value2?.() ?? null;
    // Every fourth from a device of the member's that measures it (bound in this run), when it has one.
    const device = k % 4 === 0
      ? report.bindings.find((b) => b.userId === m.uid && b.active && DEVICE_RECORD_TYPES[b.deviceType as DeviceType]?.includes(recordType as HealthRecordType))
      : undefined;
    return {
      method: 'hp.health.record.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const id = Number(await m.exec('hp.health.record', 'create', [{
          user_id: m.uid, record_type: recordType, value, ...(value2 === null ? {} : { value2 }), unit: plan.unit, measured_at: odooDatetime(rand(86400)),
          source: device ? 'device' : 'manual', ...(device ? { device_binding_id: device.id } : {}), note: `user drill ${o.runTag}`,
        }]));
        report.records.push({ id, userId: m.uid, recordType, value, value2, deviceBindingId: device?.id ?? null, via: `rpc (${m.channel})` });
        readBack(m, 'hp.health.record', id, ['record_type', 'value', 'value2', 'user_id'], writtenAt, (row) => (row.record_type !== recordType || !close(row.value, value) ? `reads ${row.record_type} ${String(row.value)}, wrote ${recordType} ${value}` : undefined));
      },
    };
  };

  let goalNo = 0;
  const goalLifecycle = (): DrillCall<UserChannel> => {
    const k = goalNo++;
    const m = rpcGoalMembers[(k * 5 + 2) % rpcGoalMembers.length]!;
    const plan = GOAL_PLANS[k % GOAL_PLANS.length]!;
    const goal: TrackedGoal = { id: 0, userId: m.uid, goalType: plan.goalType, target: plan.target, current: 0, state: 'active', via: `rpc (${m.channel})` };
    /** Reads the goal back as this write left it, then goes on with `next` (the lifecycle's next step, if any). */
    const checkGoal = (writtenAt: number, next?: () => DrillCall<UserChannel> | undefined) => {
      const expected = { state: goal.state, current: goal.current, target: goal.target, progress: goalProgress(goal.goalType, goal.target, goal.current) };
      readBack(m, 'hp.health.goal', goal.id, ['state', 'target_value', 'current_value', 'progress'], writtenAt, (row) =>
        row.state !== expected.state || !close(row.current_value, expected.current) || !close(row.target_value, expected.target) || !close(row.progress, expected.progress)
          ? `reads ${String(row.state)} ${String(row.current_value)}/${String(row.target_value)} (${String(row.progress)} %), wrote ${expected.state} ${expected.current}/${expected.target} (${expected.progress} %)`
          : undefined,
      () => {
        const call = next?.();
        if (call) ready.push(call);
      });
    };
    const abandons = k % 4 === 3;
    const changesTarget = k % 3 === 1;
    const step = (index: number): DrillCall<UserChannel> | undefined => {
      if (index < plan.readings.length) {
        if (abandons && index === 2) return abandon();
        const value = plan.readings[index]!;
        return {
          method: 'hp.health.goal.action_record_progress', channel: m.channel, write: true,
          run: async () => {
            const writtenAt = Date.now();
            await m.exec('hp.health.goal', 'action_record_progress', [[goal.id], value]);
            goal.current = value;
            if (reached(goal.goalType, goal.target, value)) goal.state = 'achieved';
            checkGoal(writtenAt, () => (changesTarget && index === 0 ? changeTarget(index + 1) : step(index + 1)));
          },
        };
      }
      return refusedProgress();
    };
    const changeTarget = (nextIndex: number): DrillCall<UserChannel> => ({
      method: 'hp.health.goal.write target_value', channel: m.channel, write: true,
      run: async () => {
        // A slightly easier target: the stored progress is computed again from it.
        const target = lowerIsBetter(goal.goalType) ? goal.target + 0.5 : Math.round(goal.target * 0.95 * 10) / 10;
        const writtenAt = Date.now();
        await m.exec('hp.health.goal', 'write', [[goal.id], { target_value: target }]);
        goal.target = target;
        checkGoal(writtenAt, () => step(nextIndex));
      },
    });
    const abandon = (): DrillCall<UserChannel> => ({
      method: 'hp.health.goal.action_abandon', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await m.exec('hp.health.goal', 'action_abandon', [[goal.id]]);
        goal.state = 'abandoned';
        checkGoal(writtenAt, refusedProgress);
      },
    });
    // Progress on a goal achieved or abandoned: the addon's UserError, the goal unchanged.
    const refusedProgress = (): DrillCall<UserChannel> => ({
      method: 'hp.health.goal.action_record_progress (not active)', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await m.exec('hp.health.goal', 'action_record_progress', [[goal.id], plan.readings[0]!]);
        } catch (error) {
          if (!NOT_ACTIVE.test(messageOf(error))) throw error;
          report.refusals.push({ method: 'hp.health.goal.action_record_progress', message: messageOf(error).slice(0, 120) });
          checkGoal(writtenAt);
          return;
        }
        throw new Error(`progress on goal ${goal.id} (${goal.state}) was accepted`);
      },
    });
    return {
      method: 'hp.health.goal.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        goal.id = Number(await m.exec('hp.health.goal', 'create', [{ user_id: m.uid, goal_type: plan.goalType, target_value: plan.target }]));
        report.goals.push(goal);
        checkGoal(writtenAt, () => step(0));
      },
    };
  };

  let deviceNo = 0;
  const deviceCall = (): DrillCall<UserChannel> => {
    const k = deviceNo++;
    const m = member(k * 7 + 3);
    // RPC writes only the bindings RPC made: REST syncs readings to its own (an RPC unbind would refuse the next sync).
    const mine = report.bindings.filter((b) => b.userId === m.uid && b.active && b.via !== 'rest' && !busy.has(rowKey('hp.device.binding', b.id)));
    // Every third call writes a binding the member has: its sync time, or (one in two) unbinds it.
    if (k % 3 === 2 && mine.length) {
      const binding = mine[k % mine.length]!;
      const unbind = k % 2 === 0;
      busy.add(rowKey('hp.device.binding', binding.id));
      return {
        method: unbind ? 'hp.device.binding.write active' : 'hp.device.binding.write last_sync_at', channel: m.channel, write: true,
        run: async () => {
          const at = odooDatetime(0);
          const writtenAt = Date.now();
          try {
            await m.exec('hp.device.binding', 'write', [[binding.id], unbind ? { active: false } : { last_sync_at: at }]);
          } catch (error) {
            busy.delete(rowKey('hp.device.binding', binding.id));
            throw error;
          }
          if (unbind) binding.active = false;
          const active = binding.active;
          readBack(m, 'hp.device.binding', binding.id, ['active', 'last_sync_at'], writtenAt, (row) => (row.active !== active ? `reads active ${String(row.active)}, wrote ${active}` : !unbind && row.last_sync_at !== at ? `reads last_sync_at ${String(row.last_sync_at)}, wrote ${at}` : undefined));
        },
      };
    }
    const serial = `UDRILL-${o.runTag}-${k}`;
    const deviceType = DEVICE_TYPES[k % DEVICE_TYPES.length]!;
    return {
      method: 'hp.device.binding.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const id = Number(await m.exec('hp.device.binding', 'create', [{ user_id: m.uid, device_type: deviceType, vendor: 'Drill', serial }]));
        const binding: TrackedBinding = { id, userId: m.uid, deviceType, serial, active: true, via: `rpc (${m.channel})` };
        report.bindings.push(binding);
        readBack(m, 'hp.device.binding', id, ['serial', 'active'], writtenAt, (row) => (row.serial !== serial || row.active !== true ? `reads ${String(row.serial)} active ${String(row.active)}, wrote ${serial} active` : undefined));
      },
    };
  };

  let assessmentNo = 0;
  const assessmentCall = (): DrillCall<UserChannel> => {
    const k = assessmentNo++;
    const c = coach(k);
    const riskOf = (score: number) => (score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low');
    const mine = report.assessments.filter((a) => a.coachId === c.uid && !busy.has(rowKey('hp.assessment', a.id)));
    if (k % 3 === 2 && mine.length) {
      const assessment = mine[k % mine.length]!;
      const score = rand(101);
      busy.add(rowKey('hp.assessment', assessment.id));
      return {
        method: 'hp.assessment.write score', channel: c.channel, write: true,
        run: async () => {
          const writtenAt = Date.now();
          try {
            await c.exec('hp.assessment', 'write', [[assessment.id], { score }]);
          } catch (error) {
            busy.delete(rowKey('hp.assessment', assessment.id));
            throw error;
          }
          assessment.score = score;
          readBack(c, 'hp.assessment', assessment.id, ['score', 'risk_level'], writtenAt, (row) => (row.score !== score || row.risk_level !== riskOf(score) ? `reads score ${String(row.score)} risk ${String(row.risk_level)}, wrote ${score} (${riskOf(score)})` : undefined));
        },
      };
    }
    const m = member(k * 3 + 2);
    // Scores on and around the thresholds (39/40, 69/70) as well as anywhere.
    const score = [39, 40, 69, 70][k % 5] ?? rand(101);
    return {
      method: 'hp.assessment.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const id = Number(await c.exec('hp.assessment', 'create', [{
          user_id: m.uid, coach_id: c.uid, assessment_type: ['general', 'diabetes', 'cardio', 'sleep'][k % 4], score,
          answers: { stress_level: 1 + (k % 5), drill: o.runTag },
        }]));
        report.assessments.push({ id, userId: m.uid, coachId: c.uid, score, via: `rpc (${c.channel})` });
        readBack(c, 'hp.assessment', id, ['score', 'risk_level', 'user_id'], writtenAt, (row) => (row.score !== score || row.risk_level !== riskOf(score) ? `reads score ${String(row.score)} risk ${String(row.risk_level)}, wrote ${score} (${riskOf(score)})` : undefined));
      },
    };
  };

  const restCall = (): DrillCall<UserChannel> | undefined => (rest && load.restWrites() ? rest.write() : undefined);

  let n = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots, so
  // none waits for long and the load stays at its rate.
  const counters = { record: 0, other: 0 };
  const callNumber = (i: number, perform: (call: DrillCall<UserChannel>) => Promise<void>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot === 6) return perform(healthRecord(counters.record++));
    if (slot === 7) return perform(ready.shift() ?? goalLifecycle());
    if (slot === 8) return perform(i % 20 < 10 ? deviceCall() : assessmentCall());
    return perform(restCall() ?? (counters.other++ % 2 === 0 ? healthRecord(counters.record++) : ready.shift() ?? goalLifecycle()));
  };

  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, ready, restUsed, callNumber });
  return load;
}
