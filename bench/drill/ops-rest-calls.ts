import type { DrillCall } from './call-recorder.ts';
import type { bearerRest } from './bearer-rest.ts';
import type { OperationState, OpsChannel, OpsLoadReport, TrackedNotification, TrackedOperation } from './ops-load-types.ts';
import type { QueueReadBack } from './read-backs.ts';

/** What the REST calls share with the rest of the ops load. */
export interface OpsRestContext {
  rest: ReturnType<typeof bearerRest>;
  /** The service's routes (`POST /ops/notifications`, …): only those are called. */
  routes: ReadonlySet<string>;
  /** Members whose notifications only REST sends and marks read. */
  members: readonly number[];
  operators: readonly number[];
  report: OpsLoadReport;
  runTag: string;
  busy: Set<string>;
  queueReadBack: QueueReadBack<OpsChannel>;
  /** Lifecycles' next steps (the load's queue). */
  ready: DrillCall<OpsChannel>[];
  /** The routes the load called. */
  used: Set<string>;
}

const SEND = 'POST /ops/notifications';
const NOTIFICATION_READ = 'GET /ops/notifications/:id';
const MARK_READ = 'POST /ops/notifications/:id/read';
const NOTIFICATIONS = 'GET /ops/notifications';
const OPERATION_CREATE = 'POST /ops/operations';
const OPERATION_READ = 'GET /ops/operations/:id';
const OPERATIONS = 'GET /ops/operations';
const SCAN = 'POST /risk/rules/:id/scan';
const ALERTS = 'GET /risk/alerts';
const AUDIT_LOGS = 'GET /ops/audit-logs';

interface RestNotification { id: number; userId: number; title: string; isRead: boolean }
interface RestOperation { id: number; name: string; state: OperationState }

/**
 * The ops REST routes in the drill's load, those the service has: an operator sends a member an
 * in-app notification (`POST /ops/notifications`, Idempotency-Key; every third sent again under
 * the same key: the same send, never a second row), read back, the member marks it read
 * (`POST /ops/notifications/{id}/read`), read back; an operator's operation created, scheduled,
 * then done or cancelled (`POST /ops/operations`, `…/{id}/schedule|done|cancel`), each read back;
 * a scan of one of the drill's rules (`POST /risk/rules/{id}/scan`). Reads: a member's
 * notifications, operations in draft, open alerts, the audit log.
 */
export function opsRestCalls(c: OpsRestContext) {
  const has = (route: string) => c.routes.has(route);
  const mark = (route: string) => c.used.add(route);
  const operator = (k: number) => c.operators[k % c.operators.length]!;
  let no = 0;

  const readBackNotification = (n: TrackedNotification, uid: number, writtenAt: number, then?: () => void) => {
    const isRead = n.isRead;
    c.queueReadBack(NOTIFICATION_READ, 'rest', `hp.notification#${n.id}`, writtenAt, async () => {
      mark(NOTIFICATION_READ);
      const row = await c.rest.expect<RestNotification>('GET', `/ops/notifications/${n.id}`, uid, [200]);
      return row.isRead !== isRead || row.title !== n.title || row.userId !== n.userId ? `notification ${n.id}: reads ${row.title} of ${row.userId} read ${row.isRead}, wrote read ${isRead}` : undefined;
    }, then);
  };

  const send = (k: number): DrillCall<OpsChannel> => {
    const op = operator(k);
    const userId = c.members[k % c.members.length]!;
    const n: TrackedNotification = { id: 0, userId, title: `ops drill ${c.runTag} REST #${k}`, isRead: false, via: 'rest' };
    const key = `ops-drill-${c.runTag}-send-${k}`;
    const markRead = (): DrillCall<OpsChannel> => ({
      method: MARK_READ, channel: 'rest', write: true,
      run: async () => {
        mark(MARK_READ);
        const writtenAt = Date.now();
        await c.rest.expect('POST', `/ops/notifications/${n.id}/read`, userId, [200], undefined, `ops-drill-${c.runTag}-read-${n.id}`);
        n.isRead = true;
        readBackNotification(n, userId, writtenAt);
      },
    });
    return {
      method: SEND, channel: 'rest', write: true,
      run: async () => {
        mark(SEND);
        const writtenAt = Date.now();
        const body = { userIds: [userId], channels: ['app'], title: n.title, body: 'A drill notification over REST' };
        const sent = await c.rest.expect<{ notificationIds: number[] }>('POST', '/ops/notifications', op, [201], body, key);
        if (k % 3 === 0) {
          // The same send again (a client's retry): the same answer, no second notification.
          const again = await c.rest.expect<{ notificationIds: number[] }>('POST', '/ops/notifications', op, [201], body, key);
          if (JSON.stringify(again.notificationIds) !== JSON.stringify(sent.notificationIds)) throw new Error(`a retried send answered ${JSON.stringify(again.notificationIds)}, first ${JSON.stringify(sent.notificationIds)}`);
        }
        if (sent.notificationIds.length !== 1) throw new Error(`a send to one user answered notifications ${JSON.stringify(sent.notificationIds)}`);
        n.id = sent.notificationIds[0]!;
        c.report.notifications.push(n);
        readBackNotification(n, op, writtenAt, () => {
          if (has(MARK_READ) && k % 4 !== 3) c.ready.push(markRead());
        });
      },
    };
  };

  const operation = (k: number): DrillCall<OpsChannel> => {
    const op = operator(k);
    const tracked: TrackedOperation = { id: 0, operatorId: op, name: `ops drill ${c.runTag} REST #${k}`, state: 'draft', via: 'rest' };
    const readBack = (writtenAt: number, next?: () => DrillCall<OpsChannel> | undefined) => {
      const state = tracked.state;
      c.queueReadBack(OPERATION_READ, 'rest', `hp.operation#${tracked.id}`, writtenAt, async () => {
        mark(OPERATION_READ);
        const row = await c.rest.expect<RestOperation>('GET', `/ops/operations/${tracked.id}`, op, [200]);
        return row.state !== state || row.name !== tracked.name ? `operation ${tracked.id}: reads ${row.name} ${row.state}, wrote ${state}` : undefined;
      }, () => {
        const call = next?.();
        if (call) c.ready.push(call);
      });
    };
    const action = (segment: 'schedule' | 'done' | 'cancel', to: OperationState, next?: () => DrillCall<OpsChannel> | undefined): DrillCall<OpsChannel> | undefined => {
      const route = `POST /ops/operations/:id/${segment}`;
      if (!has(route)) return undefined;
      return {
        method: route, channel: 'rest', write: true,
        run: async () => {
          mark(route);
          const writtenAt = Date.now();
          await c.rest.expect('POST', `/ops/operations/${tracked.id}/${segment}`, op, [200]);
          tracked.state = to;
          readBack(writtenAt, next);
        },
      };
    };
    return {
      method: OPERATION_CREATE, channel: 'rest', write: true,
      run: async () => {
        mark(OPERATION_CREATE);
        const writtenAt = Date.now();
        const created = await c.rest.expect<RestOperation>('POST', '/ops/operations', op, [201], { name: tracked.name, operationType: 'announcement', target: 'drill' }, `ops-drill-${c.runTag}-operation-${k}`);
        tracked.id = created.id;
        c.report.operations.push(tracked);
        readBack(writtenAt, () => action('schedule', 'scheduled', () => (k % 2 === 0 ? action('done', 'done') : action('cancel', 'cancelled'))));
      },
    };
  };

  const scan = (k: number): DrillCall<OpsChannel> | undefined => {
    const rule = c.report.rules.find((r) => !c.busy.has(`hp.risk.rule#${r.id}`));
    if (!rule || !has(SCAN)) return undefined;
    c.busy.add(`hp.risk.rule#${rule.id}`);
    return {
      method: SCAN, channel: 'rest', write: true,
      run: async () => {
        mark(SCAN);
        const startedAt = Date.now();
        try {
          const answer = await c.rest.expect<{ created: number }>('POST', `/risk/rules/${rule.id}/scan`, operator(k), [200], undefined, `ops-drill-${c.runTag}-scan-${k}`);
          rule.scans.push(answer.created);
          rule.lastScanStartedAt = startedAt;
        } finally {
          c.busy.delete(`hp.risk.rule#${rule.id}`);
        }
      },
    };
  };

  const reads: { route: string; call: (k: number) => DrillCall<OpsChannel> }[] = [
    { route: NOTIFICATIONS, call: (k) => ({ method: NOTIFICATIONS, channel: 'rest', write: false, run: async () => void (mark(NOTIFICATIONS), await c.rest.expect('GET', `/ops/notifications?user_id=${c.members[k % c.members.length]!}&limit=10`, c.members[k % c.members.length]!, [200])) }) },
    { route: OPERATIONS, call: (k) => ({ method: OPERATIONS, channel: 'rest', write: false, run: async () => void (mark(OPERATIONS), await c.rest.expect('GET', '/ops/operations?state=draft&limit=10', operator(k), [200])) }) },
    { route: ALERTS, call: (k) => ({ method: ALERTS, channel: 'rest', write: false, run: async () => void (mark(ALERTS), await c.rest.expect('GET', '/risk/alerts?state=open&limit=10', operator(k), [200])) }) },
    { route: AUDIT_LOGS, call: (k) => ({ method: AUDIT_LOGS, channel: 'rest', write: false, run: async () => void (mark(AUDIT_LOGS), await c.rest.expect('GET', '/ops/audit-logs?limit=10', operator(k), [200])) }) },
  ];
  const readable = reads.filter((r) => has(r.route));
  let readNo = 0;

  return {
    /** A REST read of the routes the service has, or undefined when it has none. */
    read: (k: number): DrillCall<OpsChannel> | undefined => (readable.length ? readable[readNo++ % readable.length]!.call(k) : undefined),
    /** The next REST write: a send, an operation, a scan; undefined when the service has none of those routes. */
    write: (): DrillCall<OpsChannel> | undefined => {
      const k = no++;
      switch (k % 3) {
        case 0:
          return has(SEND) ? send(k) : has(OPERATION_CREATE) ? operation(k) : scan(k);
        case 1:
          return has(OPERATION_CREATE) ? operation(k) : has(SEND) ? send(k) : scan(k);
        default:
          return scan(k) ?? (has(SEND) ? send(k) : undefined);
      }
    },
  };
}
