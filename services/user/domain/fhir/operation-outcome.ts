import type { IssueCode, OperationOutcome } from './resources.ts';

/** Problems the FHIR routes raise carry their FHIR issue code in their type, after this prefix. */
export const FHIR_ISSUE_TYPE = 'https://ficus.dev/problems/fhir-issue/';

/** FHIR's issue type for an HTTP status (https://hl7.org/fhir/R4/codesystem-issue-type.html). */
const ISSUE_OF_STATUS: Record<number, IssueCode> = {
  400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 405: 'not-supported', 406: 'not-supported', 409: 'conflict',
  410: 'not-found', 413: 'too-costly', 415: 'not-supported', 422: 'processing', 429: 'throttled', 503: 'transient',
};

const ISSUE_CODES = new Set<IssueCode>(['invalid', 'login', 'forbidden', 'not-found', 'not-supported', 'conflict', 'processing', 'too-costly', 'throttled', 'transient', 'exception']);

/**
 * An error as FHIR says it: one OperationOutcome issue, its code from the problem's type when the
 * route chose one (FHIR_ISSUE_TYPE…), otherwise from the status; the problem's text as
 * diagnostics and each schema violation as an issue of its own. Severity `fatal` for a failure of
 * the server (5xx), `error` for the client's.
 */
export function operationOutcome(problem: { type: string; title: string; status: number; detail?: string; errors?: { pointer: string; detail: string }[] }): OperationOutcome {
  const chosen = problem.type.startsWith(FHIR_ISSUE_TYPE) ? problem.type.slice(FHIR_ISSUE_TYPE.length) as IssueCode : undefined;
  const code: IssueCode = chosen && ISSUE_CODES.has(chosen) ? chosen : ISSUE_OF_STATUS[problem.status] ?? (problem.status >= 500 ? 'exception' : 'processing');
  const severity = problem.status >= 500 ? 'fatal' as const : 'error' as const;
  const main = { severity, code, details: { text: problem.title }, ...(problem.detail ? { diagnostics: problem.detail } : {}) };
  const violations = (problem.errors ?? []).map((e) => ({ severity, code, diagnostics: `${e.pointer}: ${e.detail}` }));
  return { resourceType: 'OperationOutcome', issue: [main, ...violations] };
}
