import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response, Router } from 'express';
import { tracingEnabled } from '../../platform/tracing.ts';
import { MAX_BODY_BYTES } from './raw-body.ts';

/**
 * The gateway's hot path: the few requests that are nearly all of its traffic (JSON-RPC and
 * XML-RPC model calls) are recognised from their method, URL and headers alone and answered by
 * the same code as their express route, without express's dispatch (router walk, layer matching,
 * the final handler made per request), body-parser and the generic response helpers
 * (bench/gateway.ts: together a visible share of a call's CPU time).
 *
 * A lane only takes requests its route would take, whose body needs nothing body-parser does
 * beyond reading it: a declared Content-Length within the body limit, no Content-Encoding to
 * undo. Everything else (chunked or compressed bodies, other URLs and methods) goes the express
 * way as before. A router carries its lane (withFastLane) for URLs only that router answers;
 * `withFastLanes` lets the app's lanes look at each request before express does.
 */
export interface FastLane {
  /** Whether the request is this lane's, judged before its body is read. */
  takes(req: IncomingMessage): boolean;
  /**
   * Answers a request the lane took; `req.body` holds its body bytes, as after `rawBody`. The
   * request has express's `ip`, `path` and `originalUrl` but none of its methods, and the
   * response is node's: a lane writes with node's API only (sendText).
   */
  answer(req: Request, res: Response): Promise<void>;
}

const lanes = new WeakMap<Router, FastLane>();

/** Gives `router` a fast lane for some of its routes. */
export function withFastLane(router: Router, lane: FastLane): Router {
  lanes.set(router, lane);
  return router;
}

export function fastLaneOf(router: Router): FastLane | undefined {
  return lanes.get(router);
}

/** Whether the body of `req` can be read as plain bytes, as `rawBody` would read it. */
export function plainBody(req: IncomingMessage): boolean {
  const { headers } = req;
  const length = headers['content-length'];
  if (length === undefined || headers['transfer-encoding'] !== undefined) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  return Number(length) <= MAX_BODY_BYTES;
}

/**
 * What a lane's code reads of a request beyond node's own: the body, and express's `ip` (after
 * the app's `trust proxy`), `path` and `originalUrl`. A lane's request keeps node's prototype (an
 * express prototype swapped in per request slows node's own HTTP code on every response) and
 * gets these as plain properties; the response is node's, which is all a lane writes with.
 */
type LaneRequest = IncomingMessage & { body?: unknown; ip?: string; path?: string; originalUrl?: string };

/**
 * Lets the lanes of `routers` answer the requests they take before express dispatches them: the
 * body is read (one chunk is used as is, never copied) and the lane answers. Everything else goes
 * to express unchanged. A failure, including a body that does not arrive (client gone, the same
 * 400 `rawBody` reports), goes to `onError`, the app's own error handler, with the request and
 * response made express's first.
 */
export function withFastLanes(app: Express, routers: Router[], onError: (error: unknown, req: Request, res: Response) => void): void {
  const taken = routers.map(fastLaneOf).filter((lane): lane is FastLane => lane !== undefined);
  if (!taken.length) return;
  const dispatch = app as unknown as { handle(req: IncomingMessage, res: ServerResponse, next?: unknown): void; request: object; response: object };
  const expressHandle = dispatch.handle.bind(app);
  // express's own `req.ip`, so that the client address (the login cooldown's key) is the same on both ways.
  const expressIp = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(dispatch.request) as object, 'ip')!.get!;
  const failWith = (error: unknown, req: LaneRequest, res: ServerResponse) => {
    Object.setPrototypeOf(req, dispatch.request);
    Object.setPrototypeOf(res, dispatch.response);
    onError(error, req as Request, res as Response);
  };
  dispatch.handle = (req: LaneRequest, res, next) => {
    const lane = taken.find((candidate) => candidate.takes(req));
    if (!lane) return expressHandle(req, res, next);
    req.ip = expressIp.call({ app, headers: req.headers, socket: req.socket, connection: req.socket }) as string;
    req.originalUrl = req.url!;
    req.path = req.url!; // lanes take exact paths, without a query
    const chunks: Buffer[] = [];
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      failWith(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }), req, res);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', fail);
    req.on('aborted', fail);
    const answer = () => {
      if (failed) return;
      req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      lane.answer(req as Request, res as Response).catch((error: unknown) => failWith(error, req, res));
    };
    // A stream's events run in the socket's async context: with tracing on, the answer is bound to the request's (its span).
    req.on('end', tracingEnabled() ? AsyncResource.bind(answer) : answer);
  };
}

/**
 * Writes a whole text answer with the headers express's `res.send` would have set for it (the
 * headers as one flat list: node writes them out without keeping a header map).
 */
export function sendText(res: Response, status: number, contentType: string, text: string): void {
  res.writeHead(status, ['Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(text))]);
  res.end(text);
}
