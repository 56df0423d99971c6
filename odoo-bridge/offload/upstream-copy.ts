import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { request as undiciRequest } from 'undici';

/** Answers larger than this are not kept for comparison (the client still gets all of it). */
const MAX_CAPTURED_BYTES = 8 * 1024 * 1024;

/**
 * Keeps a copy of what the upstream's answer writes to the client (while the upstream proxy
 * writes it), for comparing it off the hot path: `res.write`/`res.end` of this one response
 * are wrapped until `finish()`, which puts them back and returns the body (decoded if the
 * upstream compressed it), or undefined when it was too large or in an encoding not known here.
 */
export function copyOfAnswer(res: Response): { finish(): Buffer | undefined } {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_CAPTURED_BYTES) {
      overflow = true;
      chunks.length = 0;
    } else chunks.push(buffer);
  };
  const ownWrite = Object.hasOwn(res, 'write');
  const ownEnd = Object.hasOwn(res, 'end');
  const write = res.write;
  const end = res.end;
  res.write = function copyingWrite(this: Response, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function copyingEnd(this: Response, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
  return {
    finish() {
      if (ownWrite) res.write = write;
      else delete (res as Partial<Response>).write;
      if (ownEnd) res.end = end;
      else delete (res as Partial<Response>).end;
      if (overflow) return undefined;
      return decoded(Buffer.concat(chunks), res.getHeader('content-encoding'));
    },
  };
}

/** Headers that describe one hop (RFC 9110 section 7.6.1), as the upstream proxy drops them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/**
 * Sends the client's request to the upstream Odoo once more, for a second opinion nobody waits
 * for: a read, so asking twice changes nothing. Resolves to the answer's status and body, or
 * undefined when the upstream failed or was too slow (the comparison then proves nothing).
 */
export async function askUpstreamAgain(upstreamUrl: string, req: Request, timeoutMs: number): Promise<{ status: number; body: Buffer } | undefined> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['accept-encoding'] = 'identity';
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  try {
    const answer = await undiciRequest(new URL(req.originalUrl, upstreamUrl), {
      method: req.method as 'POST',
      headers,
      body: Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    const content = decoded(body, answer.headers['content-encoding']);
    return content && { status: answer.statusCode, body: content };
  } catch {
    return undefined;
  }
}

function decoded(body: Buffer, encoding: unknown): Buffer | undefined {
  const name = String(Array.isArray(encoding) ? encoding.join(',') : (encoding ?? '')).trim().toLowerCase();
  try {
    if (name === '' || name === 'identity') return body;
    if (name === 'gzip' || name === 'x-gzip') return gunzipSync(body);
    if (name === 'deflate') return inflateSync(body);
    if (name === 'br') return brotliDecompressSync(body);
  } catch {
    return undefined;
  }
  return undefined;
}
