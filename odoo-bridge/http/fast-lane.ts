import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response, Router } from 'express';
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
  /** Answers a request the lane took; `req.body` holds its body bytes, as after `rawBody`. */
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
 * Lets the lanes of `routers` answer the requests they take before express dispatches them: the
 * request and response get express's prototypes (as express itself gives them, so `req.ip`,
 * `req.path`, `res.status` work as in any route), the body is read (one chunk is used as is, never
 * copied) and the lane answers. Everything else goes to express unchanged. A failure, including a
 * body that does not arrive (client gone, the same 400 `rawBody` reports), goes to `onError`,
 * the app's own error handler.
 */
export function withFastLanes(app: Express, routers: Router[], onError: (error: unknown, req: Request, res: Response) => void): void {
  const taken = routers.map(fastLaneOf).filter((lane): lane is FastLane => lane !== undefined);
  if (!taken.length) return;
  const dispatch = app as unknown as { handle(req: IncomingMessage, res: ServerResponse, next?: unknown): void; request: object; response: object };
  const expressHandle = dispatch.handle.bind(app);
  dispatch.handle = (req, res, next) => {
    const lane = taken.find((candidate) => candidate.takes(req));
    if (!lane) return expressHandle(req, res, next);
    Object.setPrototypeOf(req, dispatch.request);
    Object.setPrototypeOf(res, dispatch.response);
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    response.locals = Object.create(null) as Response['locals'];
    const chunks: Buffer[] = [];
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      onError(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }), request, response);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', fail);
    req.on('aborted', fail);
    req.on('end', () => {
      if (failed) return;
      request.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      lane.answer(request, response).catch((error: unknown) => onError(error, request, response));
    });
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
