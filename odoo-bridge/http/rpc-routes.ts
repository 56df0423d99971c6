import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { OdooError } from '../errors.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { pythonStr } from '../wire/python-values.ts';
import type { RpcDispatcher } from '../rpc/dispatch-rpc.ts';
import { parseMethodCall, serializeFaultFor, serializeResponse, XmlRpcMarshalError, XmlRpcParseError, type FaultDialect } from '../wire/xmlrpc/index.ts';
import { checkResponseSize } from '../wire/response-budget.ts';
import { jsonEndpoint, jsonRouteAnswerer, type JsonRouteHandler } from './json-endpoint.ts';
import { plainBody, sendText, withFastLane } from './fast-lane.ts';
import { asOdooError } from './odoo-json-errors.ts';
import { rawBody } from './raw-body.ts';
import { ANSWERED_UPSTREAM, answerRouted } from './forwarding.ts';
import type { CallRouter, RouteQuery } from '../routing/call-router.ts';

/**
 * The external RPC API (odoo/addons/base/controllers/rpc.py): `/jsonrpc`, `/xmlrpc/2/<service>`
 * with integer fault codes, and the legacy `/xmlrpc/<service>` with string fault codes.
 * All three reduce a request to `dispatch_rpc(service, method, params)`.
 */
/**
 * common and db call `fn(*params)` (odoo/service/common.py, db.py `dispatch`): a JSON object's
 * keys, a string's characters are the positional arguments, as Python iterates them. Anything else
 * stays one argument (Python's TypeError for a non-iterable is not reproduced). The object
 * service indexes `params` itself (model.py), so it keeps the value as it came.
 */
function starArgs(args: unknown): unknown[] {
  if (Array.isArray(args)) return args;
  if (typeof args === 'string') return [...args];
  if (args !== null && typeof args === 'object') return Object.keys(args);
  return [args];
}

export function rpcRoutes(dispatch: RpcDispatcher, router: CallRouter, logger: Logger): Router {
  const routes = Router();

  // Not an async function: answerRouted's promise is the answer (one promise less per call); a binding error still rejects.
  const jsonRpc: JsonRouteHandler = (params, { req, res }) => {
    try {
      const { service, method, args } = bindJsonRpcParams(params);
      // dispatch_rpc looks the service up in a dict: a name that is not a string is KeyError(name).
      if (typeof service !== 'string') throw new OdooError('builtins.KeyError', pythonStr(service), { arguments: [service] });
      return answerRouted(router, routeQuery(String(service), String(method), Array.isArray(args) ? args : []), req, res, () =>
        dispatch(String(service), String(method), String(service) === 'object' ? (Array.isArray(args) ? args : [args]) : starArgs(args), { clientAddress: clientAddress(req), transport: 'jsonrpc' }),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  };
  routes.all('/jsonrpc', rawBody, jsonEndpoint('/jsonrpc', jsonRpc, logger));

  // `@route("/xmlrpc/2/<service>", methods=["POST"])`: any service name reaches dispatch_rpc,
  // which answers an unknown one with KeyError, a fault like any other; other HTTP methods are
  // werkzeug's 405 before any handler runs.
  // werkzeug adds OPTIONS to a rule that lists its methods (provide_automatic_options) and Odoo
  // dispatches the match like a POST: an OPTIONS request is a call with its (usually empty) body.
  for (const method of ['post', 'options'] as const) {
    routes[method]('/xmlrpc/2/:service', rawBody, (req, res) => answerXmlRpc(String(req.params.service), 'int', req, res));
    routes[method]('/xmlrpc/:service', rawBody, (req, res) => answerXmlRpc(String(req.params.service), 'legacy', req, res));
  }
  routes.all(['/xmlrpc/2/:service', '/xmlrpc/:service'], methodNotAllowed(['POST']));

  async function answerXmlRpc(service: string, dialect: FaultDialect, req: Request, res: Response): Promise<void> {
    let body: string;
    try {
      const call = parseMethodCall(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      const transport = dialect === 'int' ? 'xmlrpc' : 'xmlrpc-legacy';
      const result = await answerRouted(router, routeQuery(service, call.methodName, call.params), req, res, () =>
        dispatch(service, call.methodName, call.params, { clientAddress: clientAddress(req), transport }),
      );
      if (result === ANSWERED_UPSTREAM) return;
      checkResponseSize(result);
      body = serializeResponse(result);
    } catch (thrown) {
      body = serializeFaultFor(isProtocolError(thrown) ? thrown : asOdooError(thrown, logger), dialect);
    }
    if (res.headersSent) return;
    sendText(res, 200, 'text/xml; charset=utf-8', body);
  }

  // The same answers without express's routing and body parsing, for the URLs clients call all day.
  const answerJson = jsonRouteAnswerer('/jsonrpc', jsonRpc, logger);
  return withFastLane(routes, {
    takes: (req) => req.method === 'POST' && FAST_LANE_SERVICES.has(req.url ?? '') && plainBody(req),
    async answer(req, res) {
      const service = FAST_LANE_SERVICES.get(req.url)!;
      if (service !== 'jsonrpc') return answerXmlRpc(service, 'int', req, res);
      const answered = await answerJson(req.body, { req, res });
      if (answered && !res.headersSent) sendText(res, answered.status, answered.contentType, answered.text);
    },
  });
}

/** URLs the fast lane answers, with the XML-RPC service each names (`jsonrpc` for JSON-RPC). */
const FAST_LANE_SERVICES = new Map([
  ['/jsonrpc', 'jsonrpc'],
  ['/xmlrpc/2/object', 'object'],
  ['/xmlrpc/2/common', 'common'],
]);

/** werkzeug's MethodNotAllowed page, with the `Allow` header listing the route's methods. */
function methodNotAllowed(allowed: string[]): RequestHandler {
  return (_req, res) => {
    res
      .status(405)
      .set('Allow', allowed.join(', '))
      .type('text/html; charset=utf-8')
      .send('<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n');
  };
}

/** For the object service the model and method are positional: `[db, uid, password, model, method, …]`. */
function routeQuery(service: string, rpcMethod: string, params: unknown[]): RouteQuery {
  if (service !== 'object') return {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { database: text(params[0]), model: text(params[3]), method: text(params[4]), rpc: { method: rpcMethod, params } };
}

/** Parse and marshal errors are answered by the codec itself; everything else goes through asOdooError. */
function isProtocolError(error: unknown): boolean {
  return error instanceof XmlRpcParseError || error instanceof XmlRpcMarshalError;
}

const JSONRPC_SIGNATURE = { qualname: 'RPC.jsonrpc', params: [{ name: 'service' }, { name: 'method' }, { name: 'args' }] } as const;
const JSONRPC_PARAMS = ['service', 'method', 'args'];

/**
 * `jsonrpc(service, method, args)` bound from `params` by keyword (members it does not name are
 * ignored, as Odoo's dispatcher drops them). With all three present they bind as they are; a
 * missing one gets bindArguments's TypeError.
 */
function bindJsonRpcParams(params: Record<string, unknown>): Record<string, unknown> {
  if (Object.hasOwn(params, 'service') && Object.hasOwn(params, 'method') && Object.hasOwn(params, 'args')) {
    return { service: params.service, method: params.method, args: params.args };
  }
  return bindArguments(JSONRPC_SIGNATURE, [], Object.fromEntries(Object.entries(params).filter(([key]) => JSONRPC_PARAMS.includes(key))));
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}
