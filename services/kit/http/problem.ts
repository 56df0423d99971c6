import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { pointer: string; detail: string }[];
}

/**
 * An error meant for the client (RFC 9457). Handlers throw it; anything else thrown becomes a
 * bare 500 whose details stay in the log, so no stack, SQL or secret reaches a client.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { type?: string; errors?: { pointer: string; detail: string }[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  body(instance: string, requestId: string | undefined): ProblemBody {
    return {
      type: this.extra.type ?? 'about:blank',
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      instance,
      ...(requestId ? { requestId } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
    };
  }
}

export const problems = {
  badRequest: (detail: string, errors?: { pointer: string; detail: string }[]) =>
    new HttpProblem(400, 'Bad Request', detail, { type: 'https://ficus.dev/problems/invalid-request', ...(errors ? { errors } : {}) }),
  unauthorized: (detail: string) =>
    new HttpProblem(401, 'Unauthorized', detail, { headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` } }),
  forbidden: (detail: string) => new HttpProblem(403, 'Forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, 'Not Found', detail),
  conflict: (detail: string, type?: string) => new HttpProblem(409, 'Conflict', detail, type ? { type } : {}),
  unprocessable: (detail: string, type?: string) => new HttpProblem(422, 'Unprocessable Content', detail, type ? { type } : {}),
  /** RFC 6585: the caller must wait `retryAfterSeconds` (a whole number, at least 1) before trying again. */
  tooManyRequests: (detail: string, retryAfterSeconds: number) =>
    new HttpProblem(429, 'Too Many Requests', detail, { type: 'https://ficus.dev/problems/rate-limited', headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } }),
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new HttpProblem(503, 'Service Unavailable', detail, { headers: { 'retry-after': String(retryAfterSeconds) } }),
};

/**
 * How a route whose protocol has its own error format (FHIR's OperationOutcome) writes a problem:
 * its media type and the body made from the RFC 9457 fields (RouteDefinition.representation).
 */
export interface ProblemRepresentation {
  mediaType: string;
  problem(problem: ProblemBody): unknown;
}

export function sendProblem(res: Response, problem: HttpProblem, requestId: string | undefined, representation?: ProblemRepresentation): void {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) res.setHeader(name, value);
  const body = problem.body(res.req.originalUrl, requestId);
  if (representation) res.status(problem.status).type(representation.mediaType).send(JSON.stringify(representation.problem(body)));
  else res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Last middleware of every service router: everything that went wrong becomes problem+json. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const requestId = res.getHeader('x-request-id') as string | undefined;
    sendProblem(res, problemOf(error, req, (res.locals.log as Logger | undefined) ?? logger), requestId);
  };
}

/** Anything thrown while answering `req`, as the problem the client gets (logged when it is not the client's). */
export function problemOf(error: unknown, req: Request, log: Logger): HttpProblem {
  if (error instanceof HttpProblem) return error;
  // express.json() errors: malformed JSON or a body too large. Their messages quote the input.
  const status = (error as { status?: number; type?: string }).status;
  if ((error as { type?: string }).type === 'entity.parse.failed') return problems.badRequest('the body is not valid JSON');
  if (status === 413) return new HttpProblem(413, 'Content Too Large', 'the body is larger than this endpoint accepts');
  if (status === 415 || (error as { type?: string }).type === 'encoding.unsupported') return new HttpProblem(415, 'Unsupported Media Type', 'send application/json');
  // Any other refusal of the body by the parser (a Content-Encoding that does not inflate, an
  // aborted or mis-sized upload) is the client's: 400, without the parser's message.
  if (isBodyReadError(error)) return problems.badRequest('the body could not be read');
  // A PostgreSQL data exception (class 22: a number out of range, text the column cannot hold)
  // means a request value got past its schema; the client's input, so 422, and no driver text.
  if (isPostgresDataError(error)) {
    log.warn({ code: (error as { code: string }).code, method: req.method, path: req.path }, 'request value refused by the database');
    return problems.unprocessable('a value in the request cannot be stored');
  }
  log.error({ err: error, method: req.method, path: req.path }, 'request failed');
  return new HttpProblem(500, 'Internal Server Error', 'the request could not be completed; quote the request id when reporting it');
}

/** An error of express.json()/raw-body reading the request: 400, which http-errors marks `expose`. */
function isBodyReadError(error: unknown): boolean {
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return status === 400 && expose === true;
}

/** node-postgres errors carry the SQLSTATE in `code`; class 22 is "data exception". */
function isPostgresDataError(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string';
}
