import type { Request, Response } from 'express';
import { request as undiciRequest, errors as undiciErrors } from 'undici';

/** Headers that describe one hop, not the message (RFC 9110 section 7.6.1), plus what undici sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

export interface UpstreamOdoo {
  readonly url: string;
  /**
   * Sends the client's request, as it came (method, path, headers, cookies, body bytes), to the
   * upstream Odoo and writes its answer back just as faithfully. Resolves when the answer is
   * written; rejects with `UpstreamUnavailable` when the upstream fails or is too slow, before
   * anything was written, so the caller can answer in the protocol's own error shape.
   */
  forward(req: Request, res: Response): Promise<void>;
}

export class UpstreamUnavailable extends Error {
  constructor(readonly reason: 'timeout' | 'unreachable') {
    super(reason === 'timeout' ? 'The legacy Odoo server did not answer in time.' : 'The legacy Odoo server cannot be reached.');
    this.name = 'UpstreamUnavailable';
  }
}

export function createUpstreamOdoo(url: string, timeoutMs: number): UpstreamOdoo {
  const base = new URL(url);
  return {
    url,
    async forward(req, res) {
      const target = new URL(req.originalUrl, base);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      let answer;
      try {
        answer = await undiciRequest(target, {
          method: req.method as 'POST',
          headers,
          body: Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new UpstreamUnavailable(isTimeout(error) ? 'timeout' : 'unreachable');
      }
      let body: Buffer;
      try {
        body = Buffer.from(await answer.body.arrayBuffer());
      } catch (error) {
        throw new UpstreamUnavailable(isTimeout(error) ? 'timeout' : 'unreachable');
      }
      res.status(answer.statusCode);
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
      }
      res.end(body);
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
