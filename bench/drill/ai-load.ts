import { aiRestCalls } from './ai-rest-calls.ts';
import { AI_CHANNELS, type AiChannel, type AiLoadOptions, type AiLoadReport, type TaskState, type TrackedInsight, type TrackedModel, type TrackedTask } from './ai-load-types.ts';
import { bearerRest } from './bearer-rest.ts';
import { emptyCallFigures, type DrillCall } from './call-recorder.ts';
import { pacedLoad, type Perform } from './paced-load.ts';
import { expectRefusal, readBackQueue } from './read-backs.ts';
import { rpcLogins, type RpcLogin } from './rpc-logins.ts';

export type { AiChannel, AiLoadOptions, AiLoadReport, StaleRead, TrackedInsight, TrackedModel, TrackedTask } from './ai-load-types.ts';

/** The drill's rows carry the run in their text: task prompts, model names and insight summaries start with it. */
export const aiDrillTag = (runTag: string) => `ai drill ${runTag} `;

const CAPABILITIES = ['content', 'consult', 'insight', 'matching', 'risk'] as const;
const INSIGHT_TYPES = ['trend', 'anomaly', 'recommendation'] as const;

/** hp_ai's refusals (hp_ai.py). */
const ONLY_QUEUED_START = /Only queued tasks can start/;
const ONLY_RUNNING_FINISH = /Only running tasks can finish/;
const ONLY_QUEUED_OR_RUNNING_FAIL = /Only queued or running tasks can fail/;

/** A many2one as read answers it ([id, name] or false): its id. */
const idOf = (value: unknown): number | false => (Array.isArray(value) ? Number(value[0]) : false);
/** Odoo answers an empty Text or Datetime as false. */
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Mixed M16 traffic through the gateway, open loop (open-loop.ts). Members and operators
 * alternate XML-RPC and JSON-RPC; operator001 (an administrator: hp.ai.insight's create right is
 * administrators' only) writes insights. Per ten calls, four are writes, each read back by the
 * client that made it over the same protocol (read-backs.ts):
 *
 * - a member's generation task (hp.ai.generation.task.create, their own under hp_ai's rule), read
 *   back; an operator runs it (action_run) and finishes it (action_done with a result) or fails it
 *   (action_fail with an error), and the addon's refusals are asked for on purpose (a queued task
 *   finished, a done one started, a failed one failed again): each read back, finished_at with it;
 * - an operator's AI model (hp.ai.model.create) registered, then retired (active False), read back;
 * - the administrator's insight for a member (hp.ai.insight.create), read back by the member
 *   (their own under hp_ai's rule), its severity raised, read back;
 * - with REST writes on, a REST write of the routes the service has (ai-rest-calls.ts: content
 *   generation run by the service's worker, cancellations), else another of the above.
 *
 * The other six calls are the read-backs, else reads and searches of the three models (a member's
 * own tasks and insights, active models, operators' queue views, tasks grouped by state) and the
 * REST reads the service has. When the load stops, every task queued over REST is followed until
 * it is done or failed (the worker's promise: none left queued or running).
 */
export async function startAiLoad(o: AiLoadOptions) {
  const report: AiLoadReport = {
    ...emptyCallFigures(AI_CHANNELS), tasks: [], models: [], insights: [], restTasks: 0, cancelled: 0, retriedCreates: 0, workerLatencies: [], healthAnalyses: 0,
    readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], runTag: o.runTag, memberIds: [], operatorIds: [], adminId: 0,
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  // operator001 is also an admin: the drill's operators are operator002… (operator rights only), operator001 writes insights.
  const [admin, ...operators] = (await rpcLogins(o.gatewayUrl, o.database, 'operator', o.operators + 1));
  report.memberIds = members.map((m) => m.uid);
  report.operatorIds = operators.map((p) => p.uid);
  report.adminId = admin!.uid;
  const tag = aiDrillTag(o.runTag);
  const restUsed = new Set<string>();

  const ready: DrillCall<AiChannel>[] = [];
  const busy = new Set<string>();
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<AiChannel>(report, busy);
  const refused = (method: string, expected: RegExp, call: () => Promise<unknown>, what: string) => expectRefusal(report.refusals, method, expected, call, what);
  const then = (next?: () => DrillCall<AiChannel> | undefined) => () => {
    const call = next?.();
    if (call) ready.push(call);
  };

  const member = (k: number) => members[k % members.length]!;
  const operator = (k: number) => operators[k % operators.length]!;

  const rest = o.restUrl
    ? aiRestCalls({ rest: bearerRest(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), report, tag, used: restUsed, queueReadBack, ready, members: report.memberIds, operators: report.operatorIds })
    : undefined;

  const readCall = (k: number): DrillCall<AiChannel> => {
    const m = member(k);
    const op = operator(k);
    const search = (who: RpcLogin, model: string, domain: unknown[], kwargs: Record<string, unknown>, label = ''): DrillCall<AiChannel> => ({
      method: `${model}.search_read${label}`, channel: who.channel, write: false, run: async () => void (await who.exec(model, 'search_read', [domain], kwargs)),
    });
    switch (k % 10) {
      case 0:
        return search(m, 'hp.ai.generation.task', [['requester_id', '=', m.uid]], { fields: ['task_type', 'state', 'prompt', 'finished_at'], limit: 10 });
      case 1:
        return search(m, 'hp.ai.model', [['active', '=', true]], { fields: ['name', 'provider', 'version', 'capability'] });
      case 2:
        return search(m, 'hp.ai.insight', [], { fields: ['insight_type', 'severity', 'summary', 'generated_at', 'data'], limit: 10 });
      case 3:
        return search(op, 'hp.ai.generation.task', [['state', 'in', ['queued', 'running']]], { fields: ['task_type', 'requester_id', 'state', 'model_id'], limit: 20 }, ' (queue)');
      case 4:
        return { method: 'hp.ai.generation.task.read_group', channel: op.channel, write: false, run: async () => void (await op.exec('hp.ai.generation.task', 'read_group', [[], ['task_type'], ['state']], { lazy: true })) };
      case 5:
        return search(op, 'hp.ai.insight', [['severity', 'in', ['warning', 'critical']]], { fields: ['user_id', 'insight_type', 'severity', 'summary'], limit: 10 });
      case 6:
        return { method: 'hp.ai.generation.task.search_count', channel: op.channel, write: false, run: async () => void (await op.exec('hp.ai.generation.task', 'search_count', [[['state', '=', 'done']]])) };
      case 7:
        return search(op, 'hp.ai.model', [], { fields: ['name', 'capability', 'active'], context: { active_test: false } }, ' (all)');
      default:
        return rest?.read(k) ?? search(m, 'hp.ai.generation.task', [['state', '=', 'done'], ['requester_id', '=', m.uid]], { fields: ['result', 'finished_at'], limit: 5 }, ' (done)');
    }
  };

  let taskNo = 0;
  const taskLifecycle = (): DrillCall<AiChannel> => {
    const k = taskNo++;
    const m = member(k);
    const op = operator(k);
    const task: TrackedTask = { id: 0, requesterId: m.uid, taskType: CAPABILITIES[k % CAPABILITIES.length]!, prompt: `${tag}#${k}`, state: 'queued', result: null, error: null, via: `rpc (${m.channel})` };
    const check = (who: RpcLogin, writtenAt: number, next?: () => DrillCall<AiChannel> | undefined) => {
      const { state, result, error } = task;
      readBack(who, 'hp.ai.generation.task', task.id, ['state', 'requester_id', 'prompt', 'result', 'error', 'finished_at'], writtenAt, (r) => {
        const finished = text(r.finished_at) !== null;
        return r.state !== state || idOf(r.requester_id) !== task.requesterId || r.prompt !== task.prompt || text(r.result) !== result || text(r.error) !== error || finished !== (state === 'done' || state === 'failed')
          ? `reads ${String(r.state)} of ${String(idOf(r.requester_id))} result ${String(r.result)} error ${String(r.error)} finished ${String(r.finished_at)}, wrote ${state} result ${result} error ${error}` : undefined;
      }, then(next));
    };
    const action = (name: 'action_run' | 'action_done' | 'action_fail', to: TaskState, next?: () => DrillCall<AiChannel> | undefined): DrillCall<AiChannel> => ({
      method: `hp.ai.generation.task.${name}`, channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const detail = name === 'action_done' ? `drill result #${k}` : name === 'action_fail' ? `drill failure #${k}` : undefined;
        await op.exec('hp.ai.generation.task', name, detail === undefined ? [[task.id]] : [[task.id], detail]);
        task.state = to;
        if (name === 'action_done') task.result = detail!;
        if (name === 'action_fail') task.error = detail!;
        check(op, writtenAt, next);
      },
    });
    const refusal = (name: 'action_run' | 'action_done' | 'action_fail', expected: RegExp, next?: () => DrillCall<AiChannel>): DrillCall<AiChannel> => ({
      method: `hp.ai.generation.task.${name} (refused)`, channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused(`hp.ai.generation.task.${name}`, expected, () => op.exec('hp.ai.generation.task', name, [[task.id]]), `${name} of task ${task.id} (${task.state})`);
        check(op, writtenAt, next);
      },
    });
    const plans: (() => DrillCall<AiChannel>)[] = [
      () => action('action_run', 'running', () => action('action_done', 'done', () => refusal('action_run', ONLY_QUEUED_START))),
      () => refusal('action_done', ONLY_RUNNING_FINISH, () => action('action_run', 'running', () => action('action_fail', 'failed'))),
      () => action('action_fail', 'failed', () => refusal('action_fail', ONLY_QUEUED_OR_RUNNING_FAIL)),
      () => action('action_run', 'running', () => action('action_done', 'done')),
    ];
    return {
      method: 'hp.ai.generation.task.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        task.id = Number(await m.exec('hp.ai.generation.task', 'create', [{ requester_id: m.uid, task_type: task.taskType, prompt: task.prompt }]));
        report.tasks.push(task);
        check(m, writtenAt, plans[k % plans.length]);
      },
    };
  };

  let modelNo = 0;
  const modelLifecycle = (): DrillCall<AiChannel> => {
    const k = modelNo++;
    const op = operator(k);
    const model: TrackedModel = { id: 0, name: `${tag}model #${k}`, capability: CAPABILITIES[k % CAPABILITIES.length]!, active: true, via: `rpc (${op.channel})` };
    const check = (writtenAt: number, next?: () => DrillCall<AiChannel>) => {
      const active = model.active;
      readBack(op, 'hp.ai.model', model.id, ['name', 'capability', 'active'], writtenAt, (r) =>
        r.name !== model.name || r.capability !== model.capability || r.active !== active ? `reads ${String(r.name)} ${String(r.capability)} active ${String(r.active)}, wrote active ${active}` : undefined, then(next));
    };
    const retire = (): DrillCall<AiChannel> => ({
      method: 'hp.ai.model.write active', channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await op.exec('hp.ai.model', 'write', [[model.id], { active: false }]);
        model.active = false;
        check(writtenAt);
      },
    });
    return {
      method: 'hp.ai.model.create', channel: op.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        model.id = Number(await op.exec('hp.ai.model', 'create', [{ name: model.name, provider: 'drill', version: String(k), capability: model.capability }]));
        report.models.push(model);
        check(writtenAt, retire);
      },
    };
  };

  let insightNo = 0;
  const insightLifecycle = (): DrillCall<AiChannel> => {
    const k = insightNo++;
    const m = member(k);
    const insight: TrackedInsight = { id: 0, userId: m.uid, insightType: INSIGHT_TYPES[k % INSIGHT_TYPES.length]!, severity: 'info', summary: `${tag}insight #${k}`, via: `rpc (${admin!.channel})` };
    const check = (who: RpcLogin, writtenAt: number, next?: () => DrillCall<AiChannel>) => {
      const severity = insight.severity;
      readBack(who, 'hp.ai.insight', insight.id, ['user_id', 'insight_type', 'severity', 'summary'], writtenAt, (r) =>
        idOf(r.user_id) !== insight.userId || r.insight_type !== insight.insightType || r.severity !== severity || r.summary !== insight.summary
          ? `reads ${String(r.insight_type)} ${String(r.severity)} of ${String(idOf(r.user_id))}, wrote ${insight.insightType} ${severity} of ${insight.userId}` : undefined, then(next));
    };
    const raise = (): DrillCall<AiChannel> => ({
      method: 'hp.ai.insight.write severity', channel: admin!.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const severity = k % 2 ? 'warning' : 'critical';
        await admin!.exec('hp.ai.insight', 'write', [[insight.id], { severity }]);
        insight.severity = severity;
        check(admin!, writtenAt);
      },
    });
    return {
      method: 'hp.ai.insight.create', channel: admin!.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        insight.id = Number(await admin!.exec('hp.ai.insight', 'create', [{
          user_id: m.uid, insight_type: insight.insightType, severity: 'info', summary: insight.summary, data: { metric: 'steps', window_days: 7, drill: o.runTag },
        }]));
        report.insights.push(insight);
        // The member reads their own insight (rule_insight_own), then the administrator raises it.
        check(m, writtenAt, raise);
      },
    };
  };

  const anyWrite = (i: number): DrillCall<AiChannel> => ready.shift() ?? (i % 4 === 0 ? modelLifecycle() : i % 4 === 1 ? insightLifecycle() : taskLifecycle());
  let n = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots.
  const callNumber = (i: number, perform: Perform<AiChannel>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot === 6) return perform(ready.shift() ?? taskLifecycle());
    if (slot === 7) return perform(ready.shift() ?? (i % 20 < 10 ? taskLifecycle() : insightLifecycle()));
    if (slot === 8) return perform(ready.shift() ?? (i % 30 < 10 ? modelLifecycle() : taskLifecycle()));
    return perform((rest && load.restWrites() ? rest.write() : undefined) ?? anyWrite(i));
  };

  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, ready, restUsed, callNumber });
  return {
    ...load,
    /** The loop's stop, then every task queued over REST followed to done or failed (the worker's promise). */
    async stop(): Promise<AiLoadReport> {
      const stopped = await load.stop();
      if (rest) await rest.settle();
      return stopped;
    },
  };
}
