import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { currentTraceparent } from '../platform/work-context.ts';
import { INTERNAL_SIGNATURE_HEADER } from '../services/kit/http/internal-signature.ts';
import { NoInstanceAnswered, type RemoteRequest, type RemoteResponse, type ServiceInstances } from './remote-instances.ts';

/** Headers of one connection, not of the request (RFC 9110 §7.6.1), and the body's framing, which is recomputed. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** A keyed write resent after its first instance died may meet the dead one's transaction for a moment (409 key in use). */
const KEY_IN_USE = 'https://ficus.dev/problems/idempotency-key-in-use';
const KEY_IN_USE_WAIT_MS = 5000;

export interface RemoteRestOptions {
  instances: ServiceInstances;
  /** The first path segments of the service's routes (`trade` for `/trade/...`). */
  prefixes: ReadonlySet<string>;
  /** Route paths of the service outside its prefix (ServiceDefinition.sharedPaths), as express paths. */
  sharedPaths?: readonly string[];
  logger: Logger;
}

/**
 * The REST routes of a service that runs apart, on the gateway: requests whose path starts with
 * one of the service's prefixes are sent as they came (the service verifies the bearer token
 * itself, as when embedded) to one of its instances, and the answer is passed back. Safe methods
 * and writes carrying an Idempotency-Key are resent to another instance after any failure (the
 * service replays a keyed write's stored answer); other writes only when they never left.
 * Failures are RFC 9457 problems: 503 when no instance took the request, 502 when the outcome of
 * a write is unknown (the client repeats it with an Idempotency-Key, or reads back).
 */
export function remoteRestProxy(options: RemoteRestOptions): Router {
  const { instances, prefixes, logger } = options;
  const router = Router();
  const send = (req: Request, res: Response) => {
    void forward(req, res).catch((error: unknown) => {
      logger.error({ err: error, service: instances.service, path: req.path }, 'could not forward a REST request');
      if (!res.headersSent) problem(res, 502, 'Bad Gateway', 'The service did not answer in a way the gateway could pass on.');
    });
  };
  for (const path of options.sharedPaths ?? []) router.all(path, send);
  router.use((req, res, next) => {
    if (prefixes.has(req.path.split('/')[1] ?? '')) send(req, res);
    else next();
  });

  async function forward(req: Request, res: Response): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      problem(res, 413, 'Content Too Large', `A request body may hold at most ${MAX_BODY_BYTES} bytes.`);
      return;
    }
    const keyed = req.get('idempotency-key') !== undefined;
    const idempotent = SAFE_METHODS.has(req.method) || keyed;
    const request: RemoteRequest = { method: req.method, path: req.originalUrl, headers: forwardedHeaders(req), body };
    let response: RemoteResponse;
    try {
      response = await instances.send(request, { idempotent });
      // Resent after a failover, a keyed write may find the dead instance's transaction still holding its key: wait for it to end.
      const until = Date.now() + KEY_IN_USE_WAIT_MS;
      while (keyed && response.status === 409 && isKeyInUse(response) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        response = await instances.send(request, { idempotent });
      }
    } catch (error) {
      if (!(error instanceof NoInstanceAnswered)) throw error;
      if (error.outcomeUnknown) {
        problem(res, 502, 'Bad Gateway', 'The service stopped while handling this request: whether it took effect is unknown. Send it again with an Idempotency-Key, or read the resource back.');
      } else {
        problem(res, 503, 'Service Unavailable', 'No instance of the service is reachable. Please try again later.', { 'retry-after': '1' });
      }
      return;
    }
    res.status(response.status);
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
    }
    res.end(response.body);
  }
  return router;
}

function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // The internal signature is the gateway's to write, never a client's to pass through.
    if (value === undefined || HOP_BY_HOP.has(name) || name === INTERNAL_SIGNATURE_HEADER) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client;
  headers['x-forwarded-proto'] = req.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  // The gateway's request span (when tracing) is the parent of the instance's, not the client's span.
  const traceparent = currentTraceparent();
  if (traceparent) headers.traceparent = traceparent;
  return headers;
}

function readBody(req: Request): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isKeyInUse(response: RemoteResponse): boolean {
  try {
    return (JSON.parse(response.body.toString('utf8')) as { type?: string }).type === KEY_IN_USE;
  } catch {
    return false;
  }
}

function problem(res: Response, status: number, title: string, detail: string, headers: Record<string, string> = {}): void {
  res.status(status).set(headers).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title, status, detail }));
}
