import type { Request, RequestHandler, Response } from 'express';
import { createJSONRPCErrorResponse, createJSONRPCSuccessResponse, type JSONRPCID, type JSONRPCResponse } from 'json-rpc-2.0';
import type { Logger } from 'pino';
import { OdooError } from '../errors.ts';
import { pythonDict } from '../wire/python-values.ts';
import { asOdooError, odooJsonError } from './odoo-json-errors.ts';
import { decodeJsonBodyText } from './raw-body.ts';
import { parsePythonJson, PythonJsonDecodeError, type PythonJsonResult } from '../wire/json/python-json-parse.ts';
import { ANSWERED_UPSTREAM } from './forwarding.ts';
import { stringifyPythonJson } from '../wire/json/python-json.ts';
import { exactRequestId } from '../wire/json/exact-request-id.ts';
import { PythonFloat } from '../wire/xmlrpc/values.ts';
import { checkResponseSize } from '../wire/response-budget.ts';

export interface JsonCallContext {
  req: Request;
  res: Response;
}

/** A JSON route's work: its `params` object in, the Python return value out (`undefined` for None). */
export type JsonRouteHandler = (params: Record<string, unknown>, context: JsonCallContext) => Promise<unknown>;

const JSON_CONTENT_TYPES = new Set(['application/json', 'application/json-rpc']);

export interface JsonEndpointOptions {
  /**
   * The route's `auth='user'` check (ir.http `_authenticate`), which Odoo runs before the
   * dispatcher reads the body: a request without a valid session gets SessionExpired (id null)
   * even when its body is not JSON. Only the unreadable-body path needs it here; a readable one
   * reaches the handler, which authenticates before binding parameters. It may also hand the
   * raw request to the upstream Odoo (then it returns ANSWERED_UPSTREAM).
   */
  authenticateFirst?: (context: JsonCallContext) => Promise<unknown>;
  /**
   * A route whose `readonly` is a function reads the body before Odoo authenticates or
   * dispatches (call-kw-pre-read.ts): what that read raises is the answer, with id null.
   */
  readBeforeDispatch?: (body: PythonJsonResult, context: JsonCallContext) => Promise<OdooError | undefined>;
}

/** What a JSON route answers: an HTTP status, its content type and the body text. */
export interface JsonAnswer {
  status: number;
  contentType: string;
  text: string;
}

const JSON_ANSWER_TYPE = 'application/json; charset=utf-8';
const HTML_ANSWER_TYPE = 'text/html; charset=utf-8';

/**
 * An Odoo `type='json'` route (odoo/http.py JsonRPCDispatcher) as express middleware, after
 * `rawBody`. Odoo routes by URL, ignores the `method` and `jsonrpc` members, wants `params` as an
 * object, echoes `id`, answers HTTP 200 for errors, and omits `result` when the handler returns
 * None. Body problems are HTTP 400 in plain text, before any JSON-RPC processing, as Odoo does.
 */
export function jsonEndpoint(routePath: string, handler: JsonRouteHandler, logger: Logger, options: JsonEndpointOptions = {}): RequestHandler {
  const answer = jsonRouteAnswerer(routePath, handler, logger, options);
  return async (req, res) => {
    const answered = await answer(req.body, { req, res });
    if (!answered || res.headersSent) return;
    res.status(answered.status).type(answered.contentType).send(answered.text);
  };
}

/**
 * The work of a JSON route from the request's raw body (Buffer, UNREADABLE_BODY, or undefined
 * when there was none) to its answer; undefined when the upstream Odoo already wrote one. Shared
 * by the express route and the gateway's fast lane (fast-lane.ts), so both answer alike.
 */
export function jsonRouteAnswerer(
  routePath: string,
  handler: JsonRouteHandler,
  logger: Logger,
  options: JsonEndpointOptions = {},
): (rawBody: unknown, context: JsonCallContext) => Promise<JsonAnswer | undefined> {
  const wrongType: JsonAnswer = { status: 400, contentType: HTML_ANSWER_TYPE, text: badRequestPage(routePath) };

  /**
   * The JSON-RPC response to one readable request; errors become Odoo's error objects, never a
   * throw. `plain`: the answer was walked for its size and holds nothing JSON.stringify writes
   * differently from Python (see stringifyPythonJson).
   */
  async function respond(params: Record<string, unknown>, id: JSONRPCID, context: JsonCallContext): Promise<{ response: JSONRPCResponse; plain: boolean }> {
    try {
      const result = await handler(params, context);
      // The upstream Odoo wrote its own answer; the envelope built here is discarded.
      if (result === ANSWERED_UPSTREAM) return { response: createJSONRPCSuccessResponse(id, null), plain: true };
      const { plain } = checkResponseSize(result);
      const response = createJSONRPCSuccessResponse(id, result);
      if (result === undefined || result === null) delete (response as { result?: unknown }).result;
      return { response, plain };
    } catch (thrown) {
      const error = asOdooError(thrown, logger);
      const { code, message, data } = odooJsonError(error);
      return { response: createJSONRPCErrorResponse(answersBeforeDispatch(error) ? null : id, code, message, data), plain: false };
    }
  }

  return async (rawBody, context) => {
    const { req, res } = context;
    // Odoo infers a request's type from its mimetype alone (JsonRPCDispatcher.is_compatible_with):
    // a JSON route declares no methods, so a PUT or GET carrying a JSON body is dispatched too.
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!JSON_CONTENT_TYPES.has(contentType)) return wrongType;
    const text = decodeJsonBodyText(rawBody);
    const parsed = parseJsonBody(text);
    if (options.readBeforeDispatch) {
      const raised = await options.readBeforeDispatch(parsed, context);
      if (raised) {
        const { code, message, data } = odooJsonError(raised);
        return { status: 200, contentType: JSON_ANSWER_TYPE, text: writeResponse(createJSONRPCErrorResponse(null, code, message, data), null, logger) };
      }
    }
    const body = parsed.ok ? parsed.value : INVALID_JSON;
    const unreadable = body === INVALID_JSON ? 'Invalid JSON data' : typeof body !== 'object' || body === null || Array.isArray(body) ? 'Invalid JSON-RPC data' : undefined;
    if (unreadable !== undefined) {
      if (options.authenticateFirst) {
        try {
          if ((await options.authenticateFirst(context)) === ANSWERED_UPSTREAM || res.headersSent) return undefined;
        } catch (thrown) {
          const { code, message, data } = odooJsonError(asOdooError(thrown, logger));
          return { status: 200, contentType: JSON_ANSWER_TYPE, text: writeResponse(createJSONRPCErrorResponse(null, code, message, data), null, logger) };
        }
      }
      return { status: 400, contentType: HTML_ANSWER_TYPE, text: unreadable };
    }
    const request = body as Record<string, unknown>;
    // The dispatcher keeps `jsonrequest.get('id')` whatever its JSON type and echoes it.
    // Exactly as Python read it: an integer beyond 2^53 or a float written `20.0` (exact-request-id.ts).
    const id = (Object.hasOwn(request, 'id') ? exactRequestId(text ?? '', request.id) : null) as JSONRPCID;
    let params: Record<string, unknown>;
    try {
      // `dict(jsonrequest.get('params', {}), **args)` (odoo/http.py JsonRPCDispatcher.dispatch).
      params = pythonDict(Object.hasOwn(request, 'params') ? request.params : {});
    } catch (thrown) {
      const { code, message, data } = odooJsonError(asOdooError(thrown, logger));
      return { status: 200, contentType: JSON_ANSWER_TYPE, text: writeResponse(createJSONRPCErrorResponse(id, code, message, data), id, logger) };
    }
    const { response, plain } = await respond(params, id, context);
    if (res.headersSent) return undefined;
    const plainId = typeof id === 'number' ? Number.isFinite(id) : typeof id !== 'bigint' && !((id as unknown) instanceof PythonFloat);
    return { status: 200, contentType: JSON_ANSWER_TYPE, text: writeResponse(response, id, logger, plain && plainId) };
  };
}

/**
 * The response's text; if it cannot be written (a value nested deeper than the JSON writer's
 * stack, a string over V8's length limit), the JSON-RPC error for that instead of an HTTP 500.
 */
function writeResponse(response: JSONRPCResponse | null, id: JSONRPCID, logger: Logger, plain = false): string {
  try {
    return stringifyPythonJson(response, { plain });
  } catch (thrown) {
    const { code, message, data } = odooJsonError(asOdooError(thrown, logger));
    return stringifyPythonJson(createJSONRPCErrorResponse(id, code, message, data));
  }
}

/** Session expiry and unknown routes are raised before Odoo reads the request id. */
function answersBeforeDispatch(error: OdooError): boolean {
  return error.exceptionName === 'odoo.http.SessionExpiredException' || error.exceptionName === 'werkzeug.exceptions.NotFound';
}

const INVALID_JSON = Symbol('invalid JSON');

/** The body as Python's json.loads reads it; a body whose encoding could not be undone reads as bytes no JSON value starts with. */
function parseJsonBody(text: string | undefined): PythonJsonResult {
  if (text === undefined) return { ok: false, error: new PythonJsonDecodeError('Expecting value', 0, 1, 1) };
  return parsePythonJson(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequestPage(routePath: string): string {
  // Odoo names the route's first URL (`routing['routes'][0]`): the bare one, before `/<path:path>`.
  const firstRoute = routePath.replace(/\/\*path$/, '');
  const escaped = `Request inferred type is compatible with [&#39;http&#39;] but &#39;${firstRoute}&#39; is type=&#39;json&#39;.`;
  return `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>${escaped}</p>\n`;
}
