import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response, Router } from 'express';
import { MAX_BODY_BYTES } from './raw-body.ts';

/**
 * The gateway's hot path: the few requests that are nearly all of its traffic (JSON-RPC and
 * XML-RPC model calls) are recognised from their method, URL and headers alone and answered by
 * the same code as their express route, without the router walk, body-parser and the generic
 * response helpers (bench/gateway.ts: they were a visible share of a call's CPU time).
 *
 * A lane only takes requests its route would take, whose body needs nothing body-parser does
 * beyond reading it: a declared Content-Length within the body limit, no Content-Encoding to
 * undo. Everything else (chunked or compressed bodies, other URLs and methods) goes the express
 * way as before. A router carries its lane (withFastLane); createGatewayApp puts the lane just
 * before its router, so routing order is unchanged.
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
 * Express middleware for a lane: a request it does not take goes on to the router; one it takes
 * has its body read (one chunk is used as is, never copied) and is answered by the lane. A body
 * that does not arrive (client gone) is the same 400 error `rawBody` reports.
 */
export function fastLaneMiddleware(lane: FastLane): RequestHandler {
  return (req, res, next) => {
    if (!lane.takes(req)) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      next(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' }));
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', fail);
    req.on('aborted', fail);
    req.on('end', () => {
      if (failed) return;
      req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      lane.answer(req, res).catch(next);
    });
  };
}

/** Writes a whole text answer, with what express's `res.send` would have set for it. */
export function sendText(res: Response, status: number, contentType: string, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
