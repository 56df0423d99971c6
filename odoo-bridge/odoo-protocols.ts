import type { Router } from 'express';
import type { Logger } from 'pino';
import type { LoginThrottle } from './auth/login-throttle.ts';
import { json2Routes } from './http/json2-routes.ts';
import { rpcRoutes } from './http/rpc-routes.ts';
import { webSessionRoutes } from './http/web-session-routes.ts';
import { createRpcDispatcher } from './rpc/dispatch-rpc.ts';
import type { DatabaseDirectory } from './served-databases.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { CallRouter } from './routing/call-router.ts';

export interface OdooProtocolDeps {
  databases: DatabaseDirectory;
  router: CallRouter;
  sessions: SessionStore;
  throttle: LoginThrottle;
  logger: Logger;
  maxInactivitySeconds: number;
}

/** Every protocol an existing Odoo client may speak, as routers for the gateway app. */
export function odooProtocolRouters(deps: OdooProtocolDeps): Router[] {
  const dispatch = createRpcDispatcher(deps.databases, deps.throttle);
  return [rpcRoutes(dispatch, deps.router, deps.logger), webSessionRoutes(deps), json2Routes(deps.databases, deps.router, deps.throttle, deps.logger)];
}
