import type { Request, Response } from 'express';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';

/** Headers that describe one hop, not the message (RFC 9110 section 7.6.1), plus what undici sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

/**
 * Of the upstream's answer every header but the hop-by-hop ones is passed on, Content-Length
 * included: the body is relayed byte for byte (compressed or not), so its length still holds and
 * the client gets the same framing as from Odoo.
 */
const HOP_BY_HOP_ANSWER = new Set([...HOP_BY_HOP].filter((name) => name !== 'content-length'));

export interface UpstreamOdoo {
  readonly url: string;
  /**
   * Sends the client's request, as it came (method, path, headers, cookies, body bytes: those
   * read already, or the request itself streamed when nothing read it), to the upstream Odoo and
   * relays its answer just as faithfully, chunk by chunk as it arrives.
   * Resolves when the answer is written; rejects with `UpstreamUnavailable` when the upstream
   * fails or is too slow before its status line and headers arrived (nothing was written then,
   * so the caller can answer in the protocol's own error shape). Failing in the middle of the
   * body, when the client already has the status, it cuts the client's connection, as any
   * proxy must.
   */
  forward(req: Request, res: Response): Promise<void>;
}

export class UpstreamUnavailable extends Error {
  constructor(readonly reason: 'timeout' | 'unreachable') {
    super(reason === 'timeout' ? 'The legacy Odoo server did not answer in time.' : 'The legacy Odoo server cannot be reached.');
    this.name = 'UpstreamUnavailable';
  }
}

/**
 * An upstream Odoo behind a keep-alive connection pool of its own (undici): a forwarded call
 * reuses a warm connection instead of paying a TCP handshake, and neither body is copied on the
 * way: the request's bytes go out as read, the answer's chunks are written to the client as the
 * upstream sends them, with backpressure both ways (a slow client pauses the upstream socket).
 * `timeoutMs` bounds the wait for the answer's headers and each pause within its body.
 */
export function createUpstreamOdoo(url: string, timeoutMs: number): UpstreamOdoo {
  const base = new URL(url);
  const pool = new Pool(base.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    url,
    forward(req, res) {
      const headers: Record<string, string | string[]> = {};
      for (const name in req.headers) {
        const value = req.headers[name];
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      const forwardedFor = req.headers['x-forwarded-for'];
      const peer = req.socket.remoteAddress;
      headers['x-forwarded-for'] = forwardedFor && peer ? `${String(forwardedFor)}, ${peer}` : String(forwardedFor || peer || '');
      const body = Buffer.isBuffer(req.body) ? (req.body.length > 0 ? req.body : null) : req.body === undefined && hasBody(req) ? req : null;
      return new Promise<void>((resolve, reject) => {
        pool.dispatch(
          { path: pathOf(req.originalUrl ?? req.url), method: req.method as Dispatcher.HttpMethod, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          relayTo(res, resolve, reject),
        );
      });
    },
  };
}

/** A request whose body nobody has read yet is streamed to the upstream as it arrives. */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The request target as origin-form (`/path?query`), sent to the upstream's origin as it came
 * (a path in LEGACY_ODOO_URL is not prefixed); an absolute-form target keeps only its path and
 * query, never its host.
 */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target;
  const parsed = new URL(target, 'http://upstream.invalid');
  return parsed.pathname + parsed.search;
}

/** An undici dispatch handler writing the upstream's answer into `res` as it arrives. */
function relayTo(res: Response, resolve: () => void, reject: (error: Error) => void): Dispatcher.DispatchHandler {
  let answering = false;
  let settled = false;
  const settle = (error?: Error) => {
    if (settled) return;
    settled = true;
    if (error) reject(error);
    else resolve();
  };
  return {
    onRequestStart(controller) {
      // The client left before the upstream answered: there is nobody to relay to.
      if (res.destroyed) controller.abort(new Error('client gone'));
    },
    onResponseStart(controller, statusCode, answerHeaders) {
      if (statusCode < 200) return; // 1xx: the final answer follows
      answering = true;
      res.statusCode = statusCode;
      for (const name in answerHeaders) {
        const value = answerHeaders[name];
        if (value !== undefined && !HOP_BY_HOP_ANSWER.has(name)) res.setHeader(name, value);
      }
      res.on('drain', () => controller.resume());
      res.once('close', () => {
        if (!res.writableFinished) controller.abort(new Error('client gone'));
      });
    },
    onResponseData(controller, chunk) {
      if (!res.write(chunk)) controller.pause();
    },
    onResponseEnd() {
      res.end();
      settle();
    },
    onResponseError(_controller, error) {
      if (!answering) {
        settle(new UpstreamUnavailable(isTimeout(error) ? 'timeout' : 'unreachable'));
        return;
      }
      // Half an answer is out: the client must not take it for a whole one.
      res.destroy(error);
      settle();
    },
  };
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  );
}
