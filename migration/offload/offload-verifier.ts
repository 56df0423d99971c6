import type { CallHandler, OdooCall, ServedDatabase } from '../../odoo-bridge/call.ts';
import { fieldRefusal } from '../../odoo-bridge/offload/computable-fields.ts';
import type { VerificationJob } from '../../odoo-bridge/offload/offload-router.ts';
import { localAnswer } from '../../odoo-bridge/offload/wire-answer.ts';
import { isMissingBehaviour } from '../../odoo-bridge/http/forwarding.ts';
import { createCredentialStore, type CredentialStore } from '../../odoo-bridge/orm/index.ts';
import { WorkLimit } from '../control/shadow/work-limit.ts';
import { judgeSample, type SampleVerdict } from './sample-verdict.ts';

/** The ORM engine over a database whose reads may be offloaded: what answers a promoted class's calls. */
export interface OffloadEngine {
  database: ServedDatabase;
  handler: CallHandler;
}

export type JobVerdict =
  | SampleVerdict
  /** The engine cannot compute what the class asks for (a field, a missing behaviour). */
  | { outcome: 'refused'; reason: string }
  /** Not compared: the verifier was full. */
  | { outcome: 'skipped' };

export interface OffloadVerifierOptions {
  engineFor(database: string): OffloadEngine | undefined;
  onVerdict(job: VerificationJob, verdict: JobVerdict): void;
  /** Rounds a difference must survive (sample-verdict.ts). */
  rounds: number;
  /** Engine reads of comparisons at once: they share the legacy pool with clients. */
  concurrency: number;
  /** Comparisons in progress at most; more are `skipped` (counted): under load a sample is compared. */
  maxInProgress: number;
}

class Refusal extends Error {}

/**
 * Compares answers off the hot path: a job holds the answer the client got and a way to ask
 * Odoo again; the verifier asks the engine as the same user (after checking the caller's
 * credentials itself, as Ficus would before answering) and judges the sample with shadow's
 * noise rule.
 */
export class OffloadVerifier {
  #inProgress = 0;
  #idleWaiters: (() => void)[] = [];
  readonly #reads: WorkLimit;
  readonly #credentials = new Map<string, CredentialStore>();

  constructor(private readonly options: OffloadVerifierOptions) {
    this.#reads = new WorkLimit(options.concurrency);
  }

  submit(job: VerificationJob): void {
    if (this.#inProgress >= this.options.maxInProgress) {
      this.options.onVerdict(job, { outcome: 'skipped' });
      return;
    }
    this.#inProgress++;
    void this.#verify(job)
      .then((verdict) => this.options.onVerdict(job, verdict))
      .finally(() => {
        if (--this.#inProgress === 0) for (const waiter of this.#idleWaiters.splice(0)) waiter();
      });
  }

  /** Resolves when no comparison is in progress (tests, shutdown). */
  idle(): Promise<void> {
    return this.#inProgress ? new Promise((resolve) => this.#idleWaiters.push(resolve)) : Promise.resolve();
  }

  async #verify(job: VerificationJob): Promise<JobVerdict> {
    const { readClass, call, secret, asked } = job.offloadable;
    const engine = this.options.engineFor(readClass.database);
    if (!engine) return { outcome: 'unverified' };
    try {
      // What the engine cannot compute goes to Odoo without a comparison: a sample of it could
      // only ever show a difference, or worse, not show it for the rows sampled.
      const refusal = await fieldRefusal(engine.database, readClass.model, asked);
      if (refusal) return { outcome: 'refused', reason: refusal };
      // Ficus answers a promoted class only for callers it accepts itself (it forwards the rest):
      // an answer Odoo gave a caller Ficus does not accept (an LDAP password, say) proves nothing.
      if (!(await this.#credentialsOf(engine).checkUid(call.uid, secret))) return { outcome: 'unverified' };
      const ficus = async () => {
        const settled = await this.#reads.run(() => settle(engine.handler(copyOf(call))));
        if (!settled.ok && isMissingBehaviour(settled.error)) throw new Refusal((settled.error as Error).message);
        return localAnswer(job.transport, settled);
      };
      return await judgeSample(job.first, job.phase === 'learning' ? 'odoo' : 'ficus', { odoo: () => job.askOdoo(), ficus }, this.options.rounds);
    } catch (error) {
      if (error instanceof Refusal) return { outcome: 'refused', reason: error.message };
      // The comparison itself failed (the registry could not load, a pool is gone): nothing proven.
      return { outcome: 'unverified' };
    }
  }

  #credentialsOf(engine: OffloadEngine): CredentialStore {
    let store = this.#credentials.get(engine.database.name);
    if (!store) {
      store = createCredentialStore(engine.database.pool);
      this.#credentials.set(engine.database.name, store);
    }
    return store;
  }
}

/** Each ask gets its own arguments: the engine may normalise what it is given. */
function copyOf(call: OdooCall): OdooCall {
  return { ...call, args: structuredClone(call.args), kwargs: structuredClone(call.kwargs) };
}

async function settle(pending: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await pending };
  } catch (error) {
    return { ok: false, error };
  }
}
