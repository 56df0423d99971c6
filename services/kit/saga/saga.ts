import type { Kysely } from 'kysely';

/**
 * A saga is a list of named steps; each has an action and (usually) a compensation. Both get an
 * idempotency key that is the same every time the step is retried or resumed after a crash,
 * so the owner of the effect can do it once: that is what makes resuming safe.
 */
export interface SagaStep<Input> {
  name: string;
  /** Returns the step's output (JSON), visible to later steps and compensations. */
  action(input: Input, outputs: Readonly<Record<string, unknown>>, idempotencyKey: string): Promise<unknown>;
  /**
   * Undoes the action. Must succeed when the action never happened too: after retries run out
   * the runner cannot know whether the last attempt took effect, so it compensates that step as well.
   */
  compensate?(input: Input, outputs: Readonly<Record<string, unknown>>, idempotencyKey: string): Promise<void>;
  /**
   * The same action, made in a transaction the caller holds (SagaRunner.startInTransaction): a
   * REST request that starts the saga runs its leading steps this way, so their effects, the
   * saga's row and the request's own records commit together, or vanish together. Same key, same
   * output: when the runner itself runs the step (a saga started outside a request) it calls `action`.
   */
  inTransaction?(input: Input, outputs: Readonly<Record<string, unknown>>, idempotencyKey: string, tx: Kysely<any>): Promise<unknown>;
}

export interface SagaDefinition<Input> {
  name: string;
  steps: SagaStep<Input>[];
}

/**
 * A step's definitive "no" (user blocked, payment declined): not retried, and the step had no
 * effect, so only the earlier steps are compensated. Any other error is retried with backoff.
 */
export class SagaRejected extends Error {
  /** The step that said no; set by the runner when a step run in the caller's transaction rejects. */
  step: string | undefined;

  constructor(message: string) {
    super(message);
    this.name = 'SagaRejected';
  }
}

/** A step's idempotency key: the same on every retry, resume and compensation attempt of that step of that saga. */
export function sagaStepKey(saga: string, key: string, step: string, phase: 'action' | 'compensation'): string {
  return `${saga}:${key}:${step}:${phase}`;
}

export function defineSaga<Input>(definition: SagaDefinition<Input>): SagaDefinition<Input> {
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (names.has(step.name)) throw new Error(`saga ${definition.name}: step ${step.name} twice`);
    names.add(step.name);
  }
  return definition;
}

/** Points between the runner's own persistent writes and the steps' effects (crash tests stop here). */
export type SagaBoundary = 'created' | 'before-action' | 'after-action' | 'after-record' | 'before-compensation' | 'after-compensation' | 'after-compensation-record';
