import type { HttpProblem, RouteResult } from '../../kit/index.ts';

/**
 * A refusal that must still commit what the request wrote (a reused refresh token ends its
 * family, and that must stick): returned as the route's result instead of thrown, with the
 * problem+json body and headers the kit's problem handler would have sent.
 */
export function committedRefusal(problem: HttpProblem, instance: string): RouteResult {
  return {
    status: problem.status,
    body: problem.body(instance, undefined),
    headers: { 'content-type': 'application/problem+json', ...(problem.extra.headers ?? {}) },
  };
}
