import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { openSpan, tracingEnabled } from './tracing.ts';
import { runInWorkContext } from './work-context.ts';

/**
 * A SERVER span for every request an app (the gateway, a service process) answers, the gateway's
 * fast lanes included (they answer before express dispatches, so this wraps the app's own entry,
 * as withFastLanes does), continuing the client's `traceparent`. Everything the request does (Odoo calls, service routes, events it
 * publishes) runs in the span's work context and joins its trace. Only when tracing is on: the
 * hot path is unchanged otherwise.
 */
export function withRequestSpans(app: Express, logger: Logger, scope = 'ficus.gateway'): void {
  if (!tracingEnabled()) return;
  const dispatch = app as unknown as { handle(req: IncomingMessage, res: ServerResponse, next?: unknown): void };
  const inner = dispatch.handle.bind(app);
  dispatch.handle = (req, res, next) => {
    const traceparent = req.headers.traceparent;
    const span = openSpan(req.method ?? 'HTTP', {
      role: 'server',
      scope,
      parent: typeof traceparent === 'string' ? traceparent : null,
      // The path without its query, bounded: URLs carry ids, never secrets, in Odoo's routes.
      attributes: { 'http.request.method': req.method ?? '', 'url.path': (req.url ?? '').split('?')[0]!.slice(0, 200) },
    });
    res.once('finish', () => {
      span.setAttributes({ 'http.response.status_code': res.statusCode });
      span.end(res.statusCode >= 500 ? new HttpServerError() : undefined);
    });
    runInWorkContext({ trace: span.trace, log: logger }, () => inner(req, res, next));
  };
}

class HttpServerError extends Error {}
