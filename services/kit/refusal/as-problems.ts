import { problems } from '../http/problem.ts';
import { RuleRefusal } from './rule-refusal.ts';

/**
 * The domain's refusals as problems, the addon's text as the detail: a wrong state 409, a caller
 * refusal 403, a rule on the data or an argument Python rejects 422 (refused-by-rule), input
 * naming nothing usable 422.
 */
export async function asProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof RuleRefusal)) throw error;
    if (error.kind === 'state') throw problems.conflict(error.message, 'https://ficus.dev/problems/wrong-state');
    if (error.kind === 'access') throw problems.forbidden(error.message);
    throw problems.unprocessable(error.message, error.kind === 'invalid' ? undefined : 'https://ficus.dev/problems/refused-by-rule');
  }
}
