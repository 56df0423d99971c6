import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { OdooError } from '../errors.ts';
import type { DatabaseDirectory, ServedDatabaseRuntime } from '../served-databases.ts';
import { asOdooError } from './odoo-json-errors.ts';
import { decodeUtf8, rawBody } from './raw-body.ts';
import { clientAddress } from './rpc-routes.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { stringifyPythonJson } from '../wire/json/python-json.ts';
import { checkResponseSize } from '../wire/response-budget.ts';
import { ANSWERED_UPSTREAM, answerRouted } from './forwarding.ts';
import { docBearerRoute } from './doc-bearer-route.ts';
import type { CallRouter } from '../routing/call-router.ts';

/**
 * Model-level methods (`@api.model` / `@api.model_create_multi` in Odoo): they take no `ids`.
 * Every other method is a record method whose first positional argument is the ids.
 */
const MODEL_METHODS = new Set([
  'search', 'search_read', 'search_count', 'search_fetch', 'create', 'name_create', 'name_search',
  'fields_get', 'default_get', 'read_group', 'web_read_group', 'web_search_read', 'formatted_read_group',
  'check_access_rights', 'check_field_access_rights', 'has_access', 'context_get', 'get_views', 'get_available_models', 'load_views',
]);

/** JSON-2 parameter names of Odoo 19 that Odoo 18's signatures call differently. */
const RENAMED_PARAMETERS: Record<string, Record<string, string>> = {
  name_search: { domain: 'args' },
};

/** An error JSON-2 answers with its own HTTP status (werkzeug exceptions). */
class HttpProblem extends Error {
  constructor(readonly status: number, readonly pythonName: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/**
 * Odoo 19's JSON-2 API (`POST /json/2/<model>/<method>`), served in front of any Odoo version:
 * a bearer API key, named arguments only, `ids` and `context` as special keys, the bare JSON
 * result, and errors as HTTP statuses with `{name, message, arguments, context, debug}`.
 */
export function json2Routes(databases: DatabaseDirectory, callRouter: CallRouter, throttle: LoginThrottle, logger: Logger): Router {
  const router = Router();
  docBearerRoute(router, { databases, throttle, logger, pickDatabase, authenticateBearer, sendError });

  router.post('/json/2/:model/:method', rawBody, async (req, res) => {
    try {
      const { model: routedModel, method: routedMethod } = req.params as { model: string; method: string };
      const result = await answerRouted(callRouter, { model: routedModel, method: routedMethod }, req, res, async () => {
        const database = pickDatabase(req, databases);
        const uid = await authenticateBearer(req, database, throttle);
        const body = parseBody(req.body);
        return database.call({ ...toCall(database.name, uid, routedModel, routedMethod, body), transport: 'json2' });
      });
      if (result === ANSWERED_UPSTREAM) return;
      checkResponseSize(result);
      res.status(200).type('application/json; charset=utf-8').send(stringifyPythonJson(result ?? null));
    } catch (error) {
      sendError(res, error, logger);
    }
  });

  // A body over the size limit (or an aborted upload) fails in rawBody: answered as JSON-2 errors are.
  router.use('/json/2', ((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400;
    const problem = status === 413
      ? new HttpProblem(413, 'werkzeug.exceptions.RequestEntityTooLarge', 'The data value transmitted exceeds the capacity limit.')
      : new HttpProblem(status, 'werkzeug.exceptions.BadRequest', 'The browser (or proxy) sent a request that this server could not understand.');
    sendError(res, problem, logger);
  }) as ErrorRequestHandler);

  router.all(['/json/2', '/json/2/*rest'], (_req, res) => {
    sendError(res, new HttpProblem(404, 'werkzeug.exceptions.NotFound', 'Did you mean POST /json/2/<model>/<method>?'), logger);
  });
  return router;
}

function pickDatabase(req: Request, databases: DatabaseDirectory): ServedDatabaseRuntime {
  const header = req.headers['x-odoo-database'];
  const named = typeof header === 'string' && header !== '' ? databases.get(header) : databases.single();
  if (!named) throw new HttpProblem(404, 'werkzeug.exceptions.NotFound', 'No database to serve this request: set the X-Odoo-Database header.');
  return named;
}

async function authenticateBearer(req: Request, database: ServedDatabaseRuntime, throttle: LoginThrottle): Promise<number> {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    throw new HttpProblem(401, 'werkzeug.exceptions.Unauthorized', 'User not authenticated, use the "Authorization" header', { 'WWW-Authenticate': 'bearer' });
  }
  const key = match[1]!.trim();
  const uid = await throttle.attempt({ clientAddress: clientAddress(req) }, () => database.credentials.findApiKeyOwner(key));
  if (uid === null) throw new HttpProblem(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey', { 'WWW-Authenticate': 'bearer' });
  return uid;
}

function parseBody(raw: unknown): Record<string, unknown> {
  const text = decodeUtf8(raw);
  if (text === undefined) throw new HttpProblem(400, 'werkzeug.exceptions.BadRequest', 'could not parse the body as json: invalid UTF-8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, 'werkzeug.exceptions.BadRequest', `could not parse the body as json: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpProblem(400, 'werkzeug.exceptions.BadRequest', 'could not parse the body, expecting a json object');
  }
  return body as Record<string, unknown>;
}

function toCall(database: string, uid: number, model: string, method: string, body: Record<string, unknown>) {
  const { ids, context, ...named } = body;
  const renames = RENAMED_PARAMETERS[method] ?? {};
  const kwargs: Record<string, unknown> = Object.fromEntries(Object.entries(named).map(([key, value]) => [renames[key] ?? key, value]));
  if (context !== undefined) kwargs.context = context;
  if (MODEL_METHODS.has(method)) {
    if (Array.isArray(ids) && ids.length > 0) {
      throw new HttpProblem(422, 'werkzeug.exceptions.UnprocessableEntity', `cannot call ${model}.${method} with ids`);
    }
    return { database, uid, model, method, args: [], kwargs };
  }
  return { database, uid, model, method, args: [Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]], kwargs };
}

function sendError(res: Response, thrown: unknown, logger: Logger): void {
  if (thrown instanceof HttpProblem) {
    res.set(thrown.headers);
    res.status(thrown.status).json({
      name: thrown.pythonName,
      message: thrown.message,
      arguments: [thrown.message, thrown.status],
      context: {},
      debug: '',
    });
    return;
  }
  const error = asOdooError(thrown, logger);
  // The werkzeug errors the engine raises for JSON-2 (an unknown model or method, arguments the method does not bind).
  const werkzeug = WERKZEUG_STATUS[error.exceptionName];
  if (werkzeug) {
    sendError(res, new HttpProblem(werkzeug, error.exceptionName, error.message), logger);
    return;
  }
  if (error.exceptionName === 'werkzeug.exceptions.ServiceUnavailable') {
    // The gateway's admission queue is full (odoo-bridge/admission): a werkzeug 503, with a hint when to come back.
    sendError(res, new HttpProblem(503, error.exceptionName, error.message, { 'Retry-After': '1' }), logger);
    return;
  }
  res.status(statusFor(error)).json({ name: error.exceptionName, message: error.message, arguments: error.arguments, context: error.context, debug: '' });
}

const WERKZEUG_STATUS: Readonly<Record<string, number>> = {
  'werkzeug.exceptions.NotFound': 404,
  'werkzeug.exceptions.UnprocessableEntity': 422,
};

function statusFor(error: OdooError): number {
  switch (error.exceptionName) {
    case 'odoo.exceptions.AccessError':
    case 'odoo.exceptions.AccessDenied':
      return 403;
    case 'odoo.exceptions.MissingError':
    case 'werkzeug.exceptions.NotFound':
      return 404;
    // Python errors the engine raises about the arguments it was given (a bad domain fails an
    // assertion, a missing key a KeyError), bad values PostgreSQL refused, and an answer too large
    // to write: all caused by the request, so 422, never a 5xx. Only a failure of the gateway
    // itself (builtins.Exception, a lost database) is a 500.
    case 'builtins.Exception':
    case 'psycopg2.OperationalError':
      return 500;
    default:
      return error.isUserErrorFamily || error.exceptionName.startsWith('builtins.') || error.exceptionName.startsWith('psycopg2.errors.') ? 422 : 500;
  }
}
