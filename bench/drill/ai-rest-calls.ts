import type { AiChannel, AiLoadReport, TaskState, TrackedTask } from './ai-load-types.ts';
import type { bearerRest } from './bearer-rest.ts';
import type { DrillCall } from './call-recorder.ts';
import type { QueueReadBack } from './read-backs.ts';

/** What the REST calls share with the rest of the ai load. */
export interface AiRestContext {
  rest: ReturnType<typeof bearerRest>;
  /** The service's routes (`POST /ai/content/generate`, …): only those are called. */
  routes: ReadonlySet<string>;
  members: readonly number[];
  operators: readonly number[];
  report: AiLoadReport;
  /** The run's tag the drill's texts start with. */
  tag: string;
  queueReadBack: QueueReadBack<AiChannel>;
  /** Lifecycles' next steps (the load's queue). */
  ready: DrillCall<AiChannel>[];
  /** The routes the load called. */
  used: Set<string>;
}

const GENERATE = 'POST /ai/content/generate';
const TASK = 'GET /ai/tasks/:id';
const CANCEL = 'POST /ai/tasks/:id/cancel';
const HEALTH = 'GET /ai/insights/health';
const CONSULT = 'POST /ai/consult/assist';
const MATCHING = 'POST /ai/matching/smart';
const RISK = 'POST /ai/scoring/risk';
const ADS = 'POST /ai/scoring/ads';

interface RestTask { id: number; state: TaskState; requesterId: number | null; prompt: string | null; result: string | null; error: string | null; finishedAt: string | null }

/** How long the drill waits, once the load stopped, for the worker to finish every task queued over REST. */
const SETTLE_MS = 60_000;

/**
 * The ai REST routes in the drill's load, those the service has: a member asks for content
 * (`POST /ai/content/generate`, Idempotency-Key; every third asked again under the same key: the
 * same task, never a second), 202 with the status URL, read back there (`GET /ai/tasks/{id}`: the
 * member's own task, queued, running or already done by the worker); every fifth cancelled by its
 * requester (`POST /ai/tasks/{id}/cancel`: 200 failed 'cancelled', or 409 when the worker finished
 * it first), read back. Reads: a member's health analysis (`GET /ai/insights/health`, whose
 * findings the service stores once each), a task's status, and an operator's consultation help
 * for a member, coaches ranked for one of the monolith's service orders, members' risk scores
 * and the ad campaigns' scores (statistics answered, nothing written). `settle` follows every REST task to
 * done or failed once the load stopped, as the tasks' last state.
 */
export function aiRestCalls(c: AiRestContext) {
  const has = (route: string) => c.routes.has(route);
  const mark = (route: string) => c.used.add(route);
  const restTasks: { task: TrackedTask; createdAt: number }[] = [];
  let no = 0;

  const statusOf = async (task: TrackedTask): Promise<RestTask> => {
    mark(TASK);
    return c.rest.expect<RestTask>('GET', `/ai/tasks/${task.id}`, task.requesterId, [200]);
  };
  /** What a status read says that the drill did not write: the task is its requester's, with its prompt, in a state its last write allows. */
  const differs = (task: TrackedTask, row: RestTask, allowed: readonly TaskState[]): string | undefined =>
    row.requesterId !== task.requesterId || row.prompt !== task.prompt || !allowed.includes(row.state) || (row.state === 'done') !== (row.result !== null) || (row.state === 'done' || row.state === 'failed') !== (row.finishedAt !== null)
      ? `task ${task.id}: reads ${row.state} of ${row.requesterId} result ${row.result === null ? 'none' : 'set'} finished ${row.finishedAt}, expected one of ${allowed.join('/')}` : undefined;

  const generate = (k: number): DrillCall<AiChannel> | undefined => {
    if (!has(GENERATE)) return undefined;
    const requester = c.members[k % c.members.length]!;
    const task: TrackedTask = { id: 0, requesterId: requester, taskType: 'content', prompt: `${c.tag}REST #${k}: a week of low-sugar breakfasts`, state: 'queued', result: null, error: null, via: 'rest' };
    const key = `${c.tag.trim().replace(/\s+/g, '-')}-generate-${k}`;
    const cancel = (): DrillCall<AiChannel> => ({
      method: CANCEL, channel: 'rest', write: true,
      run: async () => {
        mark(CANCEL);
        const writtenAt = Date.now();
        const answer = await c.rest.send('POST', `/ai/tasks/${task.id}/cancel`, requester, undefined, `${key}-cancel`);
        // 409: the worker finished it first (a done task cannot fail): the drill's cancel came late, not wrong.
        if (answer.status === 409) return;
        if (answer.status !== 200) c.rest.fail(CANCEL, answer);
        c.report.cancelled++;
        task.state = 'failed';
        c.queueReadBack(TASK, 'rest', `hp.ai.generation.task#${task.id}`, writtenAt, async () => {
          const row = await statusOf(task);
          return differs(task, row, ['failed']) ?? (row.error !== 'cancelled' ? `task ${task.id}: cancelled, reads error ${row.error}` : undefined);
        });
      },
    });
    return {
      method: GENERATE, channel: 'rest', write: true,
      run: async () => {
        mark(GENERATE);
        const writtenAt = Date.now();
        const body = { prompt: task.prompt };
        const accepted = await c.rest.expect<{ id: number; state: string; statusUrl: string }>('POST', '/ai/content/generate', requester, [202], body, key);
        if (k % 3 === 0) {
          // The same request again (a client's retry after a lost answer): the same task, not a second one.
          const again = await c.rest.expect<{ id: number }>('POST', '/ai/content/generate', requester, [202], body, key);
          if (again.id !== accepted.id) throw new Error(`a retried generate answered task ${again.id}, first ${accepted.id}`);
          c.report.retriedCreates++;
        }
        if (accepted.statusUrl !== `/ai/tasks/${accepted.id}`) throw new Error(`task ${accepted.id}: status URL ${accepted.statusUrl}`);
        task.id = accepted.id;
        c.report.tasks.push(task);
        c.report.restTasks++;
        restTasks.push({ task, createdAt: writtenAt });
        c.queueReadBack(TASK, 'rest', `hp.ai.generation.task#${task.id}`, writtenAt, async () => {
          if (!has(TASK)) return undefined;
          return differs(task, await statusOf(task), ['queued', 'running', 'done']);
        }, () => {
          if (has(CANCEL) && k % 5 === 0) c.ready.push(cancel());
        });
      },
    };
  };

  const reads: { route: string; call: (k: number) => DrillCall<AiChannel> }[] = [
    {
      route: HEALTH,
      call: (k) => ({
        method: HEALTH, channel: 'rest', write: false,
        run: async () => {
          mark(HEALTH);
          await c.rest.expect('GET', `/ai/insights/health?days=${30 + (k % 3) * 30}`, c.members[k % c.members.length]!, [200]);
          c.report.healthAnalyses++;
        },
      }),
    },
    {
      route: TASK,
      call: (k) => {
        const known = restTasks[k % Math.max(1, restTasks.length)]?.task;
        return known
          ? { method: TASK, channel: 'rest', write: false, run: async () => void (await statusOf(known)) }
          : { method: HEALTH, channel: 'rest', write: false, run: async () => void (mark(HEALTH), await c.rest.expect('GET', '/ai/insights/health?days=30', c.members[k % c.members.length]!, [200])) };
      },
    },
  ];
  const operator = (k: number) => c.operators[k % c.operators.length]!;
  const post = (route: string, path: string, uid: (k: number) => number, body: (k: number) => unknown) => ({
    route,
    call: (k: number): DrillCall<AiChannel> => ({ method: route, channel: 'rest', write: false, run: async () => void (mark(route), await c.rest.expect('POST', path, uid(k), [200], body(k))) }),
  });
  reads.push(
    post(CONSULT, '/ai/consult/assist', operator, (k) => ({ memberId: c.members[k % c.members.length]!, days: 60 })),
    // The monolith's service orders 1…50 (each names its health service).
    post(MATCHING, '/ai/matching/smart', operator, (k) => ({ orderId: 1 + (k % 50), limit: 5 })),
    post(RISK, '/ai/scoring/risk', operator, (k) => ({ memberIds: c.members.slice(k % 3, (k % 3) + 5), days: 90 })),
    post(ADS, '/ai/scoring/ads', operator, () => ({})),
  );
  const readable = reads.filter((r) => has(r.route));
  let readNo = 0;

  return {
    /** A REST read of the routes the service has, or undefined when it has none. */
    read: (k: number): DrillCall<AiChannel> | undefined => (readable.length ? readable[readNo++ % readable.length]!.call(k) : undefined),
    /** The next REST write: a generation request; undefined when the service has no such route. */
    write: (): DrillCall<AiChannel> | undefined => generate(no++),
    /**
     * Once the load stopped: each REST task polled (as its requester) until done or failed, at
     * most SETTLE_MS in all; its last state, result and error are then the tracked ones. A task
     * still queued or running after that is left so, and the side checks report it.
     */
    async settle(): Promise<void> {
      if (!has(TASK)) return;
      const deadline = Date.now() + SETTLE_MS;
      for (const entry of restTasks) {
        for (;;) {
          const row = await statusOf(entry.task);
          entry.task.state = row.state;
          entry.task.result = row.result;
          entry.task.error = row.error;
          if (row.state === 'done' || row.state === 'failed') {
            if (row.state === 'done') c.report.workerLatencies.push(Date.parse(row.finishedAt ?? '') - entry.createdAt);
            break;
          }
          if (Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
  };
}
