import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AiRefused } from '../../../services/ai/domain/generation-refusal.ts';
import {
  failTasks, finishTasks, ONLY_QUEUED_OR_RUNNING_FAIL, ONLY_QUEUED_START, ONLY_RUNNING_FINISH, startTasks, type TaskFacts, type TaskStore, type TaskWrite,
} from '../../../services/ai/domain/generation-tasks.ts';
import type { GenerationTaskState } from '../../../services/ai/db/tables.ts';

const STATES: GenerationTaskState[] = ['queued', 'running', 'done', 'failed'];

/** A store over a map: what the domain read and every write it made. */
function memoryStore(states: Map<number, GenerationTaskState>) {
  const writes: { ids: number[]; vals: TaskWrite }[] = [];
  const store: TaskStore = {
    read: async (ids) => new Map([...new Set(ids)].map((id) => [id, { id, state: states.get(id)! } satisfies TaskFacts])),
    write: async (tasks, vals) => void writes.push({ ids: tasks.map((t) => t.id), vals }),
  };
  return { store, writes };
}

/** The addon's methods as Python runs them on a recordset (hp_ai/models/hp_ai.py). */
const ADDON = {
  run: { allowed: ['queued'], to: 'running', refusal: ONLY_QUEUED_START, call: (s: TaskStore, ids: number[]) => startTasks(s, ids) },
  done: { allowed: ['running'], to: 'done', refusal: ONLY_RUNNING_FINISH, call: (s: TaskStore, ids: number[]) => finishTasks(s, ids, 'text', new Date('2026-12-06T21:00:00.250Z')) },
  fail: { allowed: ['queued', 'running'], to: 'failed', refusal: ONLY_QUEUED_OR_RUNNING_FAIL, call: (s: TaskStore, ids: number[]) => failTasks(s, ids, 'why', new Date('2026-12-06T21:00:00.250Z')) },
} as const;

describe('hp.ai.generation.task\'s state machine (domain/generation-tasks.ts)', () => {
  it('any recordset, any method: refused with the addon\'s text (nothing written) iff one task is in a state the method does not allow; otherwise one write of each task once', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('run', 'done', 'fail' as const),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom(...STATES)), { maxLength: 8 }),
      async (method, pairs) => {
        const states = new Map<number, GenerationTaskState>();
        for (const [id, state] of pairs) if (!states.has(id)) states.set(id, state);
        const ids = pairs.map(([id]) => id);
        const { store, writes } = memoryStore(states);
        const spec = ADDON[method];
        const refused = [...states.values()].some((s) => !(spec.allowed as readonly string[]).includes(s));
        const outcome = await spec.call(store, ids).then((r) => r, (e: unknown) => e);
        if (refused) {
          expect(outcome).toBeInstanceOf(AiRefused);
          expect(outcome).toMatchObject({ kind: 'state', message: spec.refusal });
          expect(writes).toEqual([]);
        } else {
          expect(outcome).toBe(true);
          if (!ids.length) {
            expect(writes).toEqual([]);
          } else {
            expect(writes).toHaveLength(1);
            expect(writes[0]!.ids).toEqual([...new Set(ids)]);
            expect(writes[0]!.vals.state).toBe(spec.to);
          }
        }
      },
    ), { numRuns: 500 });
  });

  it('what each method writes: action_run the state only; action_done the result and finished_at; action_fail the error and finished_at (naive UTC, whole seconds)', async () => {
    const states = new Map<number, GenerationTaskState>([[1, 'queued'], [2, 'running'], [3, 'running']]);
    const { store, writes } = memoryStore(states);
    await startTasks(store, [1]);
    await finishTasks(store, [2], 'text', new Date('2026-12-06T21:00:00.250Z'));
    await failTasks(store, [3], undefined, new Date('2026-12-06T21:00:09.999Z'));
    expect(writes.map((w) => w.vals)).toEqual([
      { state: 'running' },
      { state: 'done', result: 'text', finished_at: '2026-12-06 21:00:00' },
      { state: 'failed', error: null, finished_at: '2026-12-06 21:00:09' },
    ]);
  });
});
