import type { Router } from 'express';
import { json2Routes } from './http/json2-routes.ts';
import { rpcRoutes } from './http/rpc-routes.ts';
import { webSessionRoutes, type WebRoutesDeps } from './http/web-session-routes.ts';
import { createRpcDispatcher } from './rpc/dispatch-rpc.ts';
import { webPagesRoutes } from './http/pages/web-pages.ts';

/** What the web routes need is what every protocol needs. */
export type OdooProtocolDeps = WebRoutesDeps;

/**
 * Every protocol an existing Odoo client may speak, as routers for the gateway app; the web pages
 * come last, as they name the 404 page of a URL nothing after them answers either.
 */
export function odooProtocolRouters(deps: OdooProtocolDeps): Router[] {
  const dispatch = createRpcDispatcher(deps.databases, deps.throttle);
  return [rpcRoutes(dispatch, deps.router, deps.logger), webSessionRoutes(deps), json2Routes(deps.databases, deps.router, deps.throttle, deps.logger), webPagesRoutes(deps)];
}
