import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { opsRoutes, type ReadinessCheck } from './http/ops-routes.ts';

export interface GatewayParts {
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessCheck[];
  /** Protocol and REST routers mounted at the root, in order. */
  routers?: Router[];
}

/** The one HTTP front door on port 8069: Odoo's protocols, service REST, and operations routes. */
export function createGatewayApp({ metrics, readiness, routers = [] }: GatewayParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(opsRoutes(metrics, readiness));
  for (const router of routers) app.use(router);
  return app;
}
