import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { opsRoutes, type ReadinessCheck } from '../platform/ops-routes.ts';
import { withFastLanes } from './http/fast-lane.ts';
import { withRequestSpans } from '../platform/request-spans.ts';

export interface GatewayParts {
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessCheck[];
  /** Protocol and REST routers mounted at the root, in order. */
  routers?: Router[];
}

/** The one HTTP front door on port 8069: Odoo's protocols, service REST, and operations routes. */
export function createGatewayApp({ logger, metrics, readiness, routers = [] }: GatewayParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', 'loopback');
  app.use(opsRoutes(metrics, readiness));
  for (const router of routers) app.use(router);
  app.use(notFound);
  const onError = httpErrorHandler(logger);
  app.use(onError);
  // The model calls that are most of the traffic skip express's dispatch (http/fast-lane.ts).
  withFastLanes(app, routers, (error, req, res) => onError(error, req, res, () => undefined));
  // Around the fast lanes too: every request gets its span when tracing is on.
  withRequestSpans(app, logger);
  return app;
}

/**
 * A URL nothing answers: the Odoo web pages' 404 when their router saw the request (it knows
 * which database the request is for: http/pages/web-pages.ts), else werkzeug's page.
 */
const notFound: RequestHandler = (_req, res) => {
  const odooNotFound: unknown = res.locals.odooNotFound;
  if (typeof odooNotFound === 'function') return void (odooNotFound as () => void)();
  res.status(404).type('text/html; charset=utf-8').send(werkzeugPage(404, 'Not Found', NOT_FOUND_TEXT));
};

const NOT_FOUND_TEXT = 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

/**
 * Errors raised outside the protocol handlers (a body over the size limit, an aborted upload):
 * answered with their HTTP status and a short page, logged without stack. Express's own
 * handler would put the stack trace in the page.
 */
function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; message?: string }, req, res, _next) => {
    const status = error.status ?? error.statusCode ?? 500;
    logger.warn({ err: error, path: req.path, status }, 'request failed before reaching a protocol handler');
    if (res.headersSent) {
      res.end();
      return;
    }
    const title = status === 413 ? 'Request Entity Too Large' : status < 500 ? 'Bad Request' : 'Internal Server Error';
    res.status(status).type('text/html; charset=utf-8').send(werkzeugPage(status, title, title === 'Internal Server Error' ? 'The server encountered an internal error.' : title));
  };
}

function werkzeugPage(status: number, title: string, text: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`;
}
