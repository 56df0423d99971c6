import { pythonRound2 } from '../../migration/legacy-addons/hp-growth.ts';
import { emptyCallFigures, type DrillCall } from './call-recorder.ts';
import { opsRestCalls } from './ops-rest-calls.ts';
import { OPS_CHANNELS, type OperationState, type OpsChannel, type OpsLoadOptions, type OpsLoadReport, type TrackedAlert, type TrackedNotification, type TrackedOperation, type TrackedRule } from './ops-load-types.ts';
import { pacedLoad, type Perform } from './paced-load.ts';
import { expectRefusal, readBackQueue } from './read-backs.ts';
import { bearerRest } from './bearer-rest.ts';
import { rpcLogins, type RpcLogin } from './rpc-logins.ts';

export type { OpsChannel, OpsLoadOptions, OpsLoadReport, StaleRead, TrackedAlert, TrackedNotification, TrackedOperation, TrackedRating, TrackedRule } from './ops-load-types.ts';

/** hp_operations' refusals (hp_operations.py). */
const NOT_DRAFT = /Only draft operations can be scheduled/;
const NOT_SCHEDULED = /Only scheduled operations can be done/;
const DONE_NOT_CANCELLED = /Done operations cannot be cancelled/;

const rand = (max: number) => Math.floor(Math.random() * max);
/** A many2one as read answers it ([id, name] or false): its id. */
const idOf = (value: unknown): number | false => (Array.isArray(value) ? Number(value[0]) : false);
const close = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) < 0.005;

/**
 * Mixed M05 + M17 + M18 traffic through the gateway, open loop (open-loop.ts). Members, coaches
 * and operators alternate XML-RPC and JSON-RPC. Per ten calls, four are writes, each read back by
 * the client that made it over the same protocol (read-backs.ts):
 *
 * - a member rates a coach (hp.rating.create, score 1–5), read back; then an operator reads the
 *   coach's res.users.coach_rating_avg, which must be Python's round(mean, 2) of the coach's
 *   ratings at once (hp_growth's stored compute; ops writes it through the monolith, the owner of
 *   res_users): one rating of a coach in flight at a time, so the expected mean is known;
 * - an operator notifies a member (hp.notification.create, channel app), read back; the member
 *   marks it read (action_mark_read, the addon's own-notifications rule), read back by the member;
 * - an operator's operation lifecycle (hp.operation: create in draft, action_schedule,
 *   action_done or action_cancel) and the addon's refusals asked for on purpose (done twice,
 *   cancelled once done, scheduled once cancelled): answers, not failures;
 * - an operator's risk rule on hp.rating (a drill coach's ratings of score ≤ 1 or 2) created and
 *   scanned (hp.risk.rule.action_scan: one alert per newly matching rating, the count returned),
 *   scanned again later; an open alert of the drill's rules investigated, then resolved or marked a
 *   false positive (hp.risk.alert's actions), each read back;
 * - with REST writes on, a REST write of the routes the service has (ops-rest-calls.ts), else
 *   another of the above.
 *
 * The other six calls are the read-backs, else reads and searches of all seven models (ratings,
 * certifications, operations, notifications, risk rules, alerts, the audit log), a coach's stored
 * average, ratings grouped by coach (read_group), and the REST reads the service has.
 */
export async function startOpsLoad(o: OpsLoadOptions) {
  const report: OpsLoadReport = {
    ...emptyCallFigures(OPS_CHANNELS), ratings: [], notifications: [], operations: [], rules: [], alerts: [], coachRatingsBefore: {}, averageReads: 0,
    readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], memberIds: [], coachIds: [], operatorIds: [],
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  const coaches = await rpcLogins(o.gatewayUrl, o.database, 'coach', o.coaches);
  // operator001 is also an admin: the drill's operators are operator002… (operator rights only).
  const operators = (await rpcLogins(o.gatewayUrl, o.database, 'operator', o.operators + 1)).slice(1);
  report.memberIds = members.map((m) => m.uid);
  report.coachIds = coaches.map((c) => c.uid);
  report.operatorIds = operators.map((p) => p.uid);
  // Nothing rates the drill's coaches before the load: what their stored averages start from.
  const before = (await operators[0]!.exec('hp.rating', 'read_group', [[['coach_id', 'in', report.coachIds]], ['score:sum'], ['coach_id']], { lazy: true })) as { coach_id: unknown; coach_id_count: number; score: number }[];
  for (const c of report.coachIds) report.coachRatingsBefore[String(c)] = { n: 0, sum: 0 };
  for (const g of before) {
    const coach = idOf(g.coach_id);
    if (coach) report.coachRatingsBefore[String(coach)] = { n: g.coach_id_count, sum: g.score };
  }
  const restUsed = new Set<string>();

  /** The next steps of lifecycles. */
  const ready: DrillCall<OpsChannel>[] = [];
  /** Rows (and coaches) with a write or its read-back in flight. */
  const busy = new Set<string>();
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<OpsChannel>(report, busy);
  const refused = (method: string, expected: RegExp, call: () => Promise<unknown>, what: string) => expectRefusal(report.refusals, method, expected, call, what);

  const member = (k: number) => members[k % members.length]!;
  const coach = (k: number) => coaches[k % coaches.length]!;
  const operator = (k: number) => operators[k % operators.length]!;

  // With REST, the last quarter of the members (at least two) are REST's (their notifications are sent and read over REST).
  const restMembers = o.restUrl ? members.slice(members.length - Math.max(2, Math.floor(members.length / 4))) : [];
  const rpcMembers = members.slice(0, members.length - restMembers.length);
  const rest = o.restUrl
    ? opsRestCalls({
        rest: bearerRest(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), report, runTag: o.runTag, used: restUsed, queueReadBack, busy,
        members: restMembers.map((m) => m.uid), operators: report.operatorIds, ready,
      })
    : undefined;

  const readCall = (k: number): DrillCall<OpsChannel> => {
    const m = member(k);
    const c = coach(k);
    const op = operator(k);
    const search = (who: RpcLogin, model: string, domain: unknown[], kwargs: Record<string, unknown>, label = ''): DrillCall<OpsChannel> => ({
      method: `${model}.search_read${label}`, channel: who.channel, write: false, run: async () => void (await who.exec(model, 'search_read', [domain], kwargs)),
    });
    switch (k % 10) {
      case 0:
        return search(m, 'hp.rating', [['coach_id', '=', c.uid]], { fields: ['coach_id', 'rater_id', 'score', 'comment'], limit: 10 });
      case 1:
        return { method: 'res.users.read coach_rating_avg', channel: op.channel, write: false, run: async () => void (await op.exec('res.users', 'read', [[c.uid], ['coach_rating_avg']])) };
      case 2:
        return search(m, 'hp.notification', [['user_id', '=', m.uid]], { fields: ['title', 'channel', 'is_read', 'sent_at'], limit: 10 });
      case 3:
        return search(op, 'hp.operation', [['state', 'in', ['draft', 'scheduled']]], { fields: ['name', 'operation_type', 'state', 'scheduled_at'], limit: 10 });
      case 4:
        return search(op, 'hp.risk.rule', [], { fields: ['code', 'model_name', 'condition', 'severity', 'active'], limit: 20 });
      case 5:
        return search(op, 'hp.risk.alert', [['state', '=', 'open']], { fields: ['rule_id', 'res_model', 'res_id', 'severity', 'state'], limit: 10 });
      case 6:
        return search(op, 'hp.audit.log', [], { fields: ['user_id', 'action', 'res_model', 'res_id', 'at'], limit: 10 });
      case 7:
        return search(m, 'hp.certification', [], { fields: ['coach_id', 'level', 'state', 'certified_on'], limit: 10 });
      case 8:
        return { method: 'hp.rating.read_group', channel: op.channel, write: false, run: async () => void (await op.exec('hp.rating', 'read_group', [[], ['score:avg'], ['coach_id']], { lazy: true })) };
      default:
        return rest?.read(k) ?? { method: 'hp.notification.search_count', channel: m.channel, write: false, run: async () => void (await m.exec('hp.notification', 'search_count', [[['user_id', '=', m.uid], ['is_read', '=', false]]])) };
    }
  };

  /** The coach's ratings as the drill knows them (before + answered), and the average hp_growth stores for them. */
  const expectedAverage = (coachId: number) => {
    const base = report.coachRatingsBefore[String(coachId)]!;
    const mine = report.ratings.filter((r) => r.coachId === coachId);
    const n = base.n + mine.length;
    return n ? pythonRound2((base.sum + mine.reduce((s, r) => s + r.score, 0)) / n) : 0;
  };

  let ratingNo = 0;
  const ratingCall = (): DrillCall<OpsChannel> | undefined => {
    const k = ratingNo++;
    const m = rpcMembers[(k * 3 + 1) % rpcMembers.length]!;
    // One rating of a coach in flight at a time: its stored average is then known when read.
    const c = coaches.map((_, i) => coach(k + i)).find((x) => !busy.has(`coach#${x.uid}`));
    if (!c) return undefined;
    busy.add(`coach#${c.uid}`);
    const score = 1 + (k % 5 === 4 ? rand(5) : k % 5);
    return {
      method: 'hp.rating.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        let id: number;
        try {
          id = Number(await m.exec('hp.rating', 'create', [{ coach_id: c.uid, rater_id: m.uid, score, comment: `ops drill ${o.runTag}` }]));
        } catch (error) {
          busy.delete(`coach#${c.uid}`);
          throw error;
        }
        report.ratings.push({ id, coachId: c.uid, raterId: m.uid, score, answeredAt: Date.now(), via: `rpc (${m.channel})` });
        const average = expectedAverage(c.uid);
        readBack(m, 'hp.rating', id, ['coach_id', 'score'], writtenAt, (row) => (row.score !== score || idOf(row.coach_id) !== c.uid ? `reads coach ${String(idOf(row.coach_id))} score ${String(row.score)}, wrote ${c.uid} ${score}` : undefined), () => {
          // Then the coach's stored average, read by an operator: hp_growth's compute of every rating so far.
          const op = operator(k);
          report.averageReads++;
          queueReadBack('res.users.read coach_rating_avg', op.channel, `res.users#${c.uid}`, writtenAt, async () => {
            const rows = (await op.exec('res.users', 'read', [[c.uid], ['coach_rating_avg']])) as { coach_rating_avg: number }[];
            return close(rows[0]?.coach_rating_avg, average) ? undefined : `coach ${c.uid}: coach_rating_avg ${String(rows[0]?.coach_rating_avg)}, ratings average ${average}`;
          }, () => busy.delete(`coach#${c.uid}`));
        });
      },
    };
  };

  let notificationNo = 0;
  const notificationLifecycle = (): DrillCall<OpsChannel> => {
    const k = notificationNo++;
    const op = operator(k);
    const m = rpcMembers[(k * 5 + 2) % rpcMembers.length]!;
    const n: TrackedNotification = { id: 0, userId: m.uid, title: `ops drill ${o.runTag} #${k}`, isRead: false, via: `rpc (${op.channel})` };
    const check = (who: RpcLogin, writtenAt: number, next?: () => DrillCall<OpsChannel> | undefined) => {
      const isRead = n.isRead;
      readBack(who, 'hp.notification', n.id, ['user_id', 'title', 'is_read'], writtenAt, (row) =>
        row.is_read !== isRead || row.title !== n.title || idOf(row.user_id) !== n.userId ? `reads ${String(row.title)} of ${String(idOf(row.user_id))} read ${String(row.is_read)}, wrote read ${isRead}` : undefined,
      () => {
        const call = next?.();
        if (call) ready.push(call);
      });
    };
    // Three in four are read by their member (action_mark_read through the own-notifications rule).
    const markRead = (): DrillCall<OpsChannel> | undefined => (k % 4 === 3 ? undefined : {
      method: 'hp.notification.action_mark_read', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await m.exec('hp.notification', 'action_mark_read', [[n.id]]);
        n.isRead = true;
        check(m, writtenAt);
      },
    });
    return {
      method: 'hp.notification.create', channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        n.id = Number(await op.exec('hp.notification', 'create', [{ user_id: m.uid, channel: 'app', title: n.title, body: 'A drill notification' }]));
        report.notifications.push(n);
        check(op, writtenAt, markRead);
      },
    };
  };

  let operationNo = 0;
  const operationLifecycle = (): DrillCall<OpsChannel> => {
    const k = operationNo++;
    const op = operator(k);
    const operation: TrackedOperation = { id: 0, operatorId: op.uid, name: `ops drill ${o.runTag} #${k}`, state: 'draft', via: `rpc (${op.channel})` };
    const check = (writtenAt: number, next?: () => DrillCall<OpsChannel> | undefined) => {
      const state = operation.state;
      readBack(op, 'hp.operation', operation.id, ['name', 'state'], writtenAt, (row) => (row.state !== state || row.name !== operation.name ? `reads ${String(row.name)} ${String(row.state)}, wrote ${state}` : undefined), () => {
        const call = next?.();
        if (call) ready.push(call);
      });
    };
    const action = (name: 'action_schedule' | 'action_done' | 'action_cancel', to: OperationState, next?: () => DrillCall<OpsChannel> | undefined): DrillCall<OpsChannel> => ({
      method: `hp.operation.${name}`, channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await op.exec('hp.operation', name, [[operation.id]]);
        operation.state = to;
        check(writtenAt, next);
      },
    });
    // The addon's refusals: the operation keeps its state, read back as such.
    const refusal = (name: 'action_schedule' | 'action_done' | 'action_cancel', expected: RegExp): DrillCall<OpsChannel> => ({
      method: `hp.operation.${name} (refused)`, channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused(`hp.operation.${name}`, expected, () => op.exec('hp.operation', name, [[operation.id]]), `${name} of operation ${operation.id} (${operation.state})`);
        check(writtenAt);
      },
    });
    const plans: (() => DrillCall<OpsChannel>)[] = [
      () => action('action_schedule', 'scheduled', () => action('action_done', 'done', () => refusal('action_cancel', DONE_NOT_CANCELLED))),
      () => action('action_schedule', 'scheduled', () => action('action_cancel', 'cancelled', () => refusal('action_schedule', NOT_DRAFT))),
      () => refusal('action_done', NOT_SCHEDULED),
    ];
    return {
      method: 'hp.operation.create', channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        operation.id = Number(await op.exec('hp.operation', 'create', [{ name: operation.name, operator_id: op.uid, operation_type: (['banner', 'campaign', 'announcement', 'review'] as const)[k % 4], target: 'drill' }]));
        report.operations.push(operation);
        check(writtenAt, plans[k % plans.length]);
      },
    };
  };

  let riskNo = 0;
  /** Rules asked for so far (one per coach; a code is unique). */
  let rulesAsked = 0;
  /** A new rule (one per coach, then scans), a scan of a rule not busy, or an action on an open alert of the drill's rules. */
  const riskCall = (): DrillCall<OpsChannel> | undefined => {
    const k = riskNo++;
    const op = operator(k);
    if (rulesAsked < coaches.length && k % 3 === 0) return ruleCreate(op, rulesAsked++);
    if (k % 3 === 1) {
      const rule = report.rules.find((r, i) => i % 2 === k % 2 && !busy.has(`hp.risk.rule#${r.id}`)) ?? report.rules.find((r) => !busy.has(`hp.risk.rule#${r.id}`));
      if (rule) return scan(op, rule);
    }
    return alertAction(op, k);
  };
  const ruleCreate = (op: RpcLogin, i: number): DrillCall<OpsChannel> => {
    const c = coaches[i]!;
    const rule: TrackedRule = { id: 0, code: `DRILL-${o.runTag}-${c.uid}`, coachId: c.uid, maxScore: 1 + (i % 2), scans: [], lastScanStartedAt: null, via: `rpc (${op.channel})` };
    const condition = `[('coach_id', '=', ${c.uid}), ('score', '<=', ${rule.maxScore})]`;
    return {
      method: 'hp.risk.rule.create', channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        rule.id = Number(await op.exec('hp.risk.rule', 'create', [{ name: `Low ratings of coach ${c.uid}`, code: rule.code, model_name: 'hp.rating', condition, severity: (['low', 'medium', 'high'] as const)[i % 3] }]));
        report.rules.push(rule);
        readBack(op, 'hp.risk.rule', rule.id, ['code', 'model_name', 'condition', 'active'], writtenAt, (row) =>
          row.code !== rule.code || row.model_name !== 'hp.rating' || row.condition !== condition || row.active !== true ? `reads ${String(row.code)} on ${String(row.model_name)} ${String(row.condition)} active ${String(row.active)}` : undefined);
      },
    };
  };
  const scan = (op: RpcLogin, rule: TrackedRule): DrillCall<OpsChannel> => {
    busy.add(`hp.risk.rule#${rule.id}`);
    return {
      method: 'hp.risk.rule.action_scan', channel: op.channel, write: true,
      run: async () => {
        const startedAt = Date.now();
        try {
          const created = Number(await op.exec('hp.risk.rule', 'action_scan', [[rule.id]]));
          rule.scans.push(created);
          rule.lastScanStartedAt = startedAt;
        } finally {
          busy.delete(`hp.risk.rule#${rule.id}`);
        }
      },
    };
  };
  const alertAction = (op: RpcLogin, k: number): DrillCall<OpsChannel> | undefined => {
    const mine = report.alerts.filter((a) => a.state === 'investigating' && !busy.has(`hp.risk.alert#${a.id}`));
    if (mine.length && k % 2 === 0) {
      const alert = mine[0]!;
      const [name, to] = k % 4 === 0 ? (['action_resolve', 'resolved'] as const) : (['action_false_positive', 'false_positive'] as const);
      return alertStep(op, alert, name, to);
    }
    if (!report.rules.length) return undefined;
    // An open alert of the drill's rules, found by the operator, then investigated.
    return {
      method: 'hp.risk.alert.search (open, drill rules)', channel: op.channel, write: false,
      run: async () => {
        const known = new Set(report.alerts.map((a) => a.id));
        const found = (await op.exec('hp.risk.alert', 'search_read', [[['rule_id', 'in', report.rules.map((r) => r.id)], ['state', '=', 'open']]], { fields: ['rule_id'], limit: 20 })) as { id: number; rule_id: unknown }[];
        const next = found.find((a) => !known.has(a.id) && !busy.has(`hp.risk.alert#${a.id}`));
        if (!next) return;
        const alert: TrackedAlert = { id: next.id, ruleId: Number(idOf(next.rule_id)), state: 'open', via: `rpc (${op.channel})` };
        report.alerts.push(alert);
        ready.push(alertStep(op, alert, 'action_investigate', 'investigating'));
      },
    };
  };
  const alertStep = (op: RpcLogin, alert: TrackedAlert, name: 'action_investigate' | 'action_resolve' | 'action_false_positive', to: TrackedAlert['state']): DrillCall<OpsChannel> => {
    busy.add(`hp.risk.alert#${alert.id}`);
    return {
      method: `hp.risk.alert.${name}`, channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await op.exec('hp.risk.alert', name, [[alert.id]]);
        } catch (error) {
          busy.delete(`hp.risk.alert#${alert.id}`);
          throw error;
        }
        alert.state = to;
        readBack(op, 'hp.risk.alert', alert.id, ['state', 'rule_id'], writtenAt, (row) => (row.state !== to ? `reads ${String(row.state)}, wrote ${to}` : undefined));
      },
    };
  };

  const anyWrite = (i: number): DrillCall<OpsChannel> => ready.shift() ?? (i % 3 === 0 ? notificationLifecycle() : ratingCall() ?? operationLifecycle());
  let n = 0;
  let lifecycleSlots = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots.
  const callNumber = (i: number, perform: Perform<OpsChannel>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot === 6) return perform(ratingCall() ?? anyWrite(i));
    if (slot === 7) {
      // Every other one begins a lifecycle, notifications and operations in turn, however many steps wait in `ready`.
      const c = lifecycleSlots++;
      return perform((c % 2 ? ready.shift() : undefined) ?? (c % 4 < 2 ? notificationLifecycle() : operationLifecycle()));
    }
    if (slot === 8) return perform(riskCall() ?? anyWrite(i));
    return perform((rest && load.restWrites() ? rest.write() : undefined) ?? anyWrite(i));
  };

  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, ready, restUsed, callNumber });
  return load;
}
