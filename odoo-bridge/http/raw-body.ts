import express, { type RequestHandler } from 'express';

/** Bodies larger than this are refused before parsing (Odoo's own limit is its max_file_upload_size). */
export const MAX_BODY_BYTES = 128 * 1024 * 1024;

/**
 * Stands in for a body whose Content-Encoding could not be undone (not gzip at all, an encoding
 * nobody knows). Werkzeug does not decode request bodies, so Odoo would hand such bytes to its
 * parser and answer "not well-formed" or "Invalid JSON data": each protocol answers it as a body
 * it cannot read, in its own shape, instead of an HTML error page.
 */
export const UNREADABLE_BODY = Symbol('unreadable body');

const readRaw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

/**
 * Every protocol route reads the body as bytes and parses it itself, so each can answer malformed
 * input its own way. Compressed bodies are inflated under the same limit (a gzip bomb stops at
 * MAX_BODY_BYTES with 413); a size over the limit or an aborted upload goes to the gateway's
 * error handler as before.
 */
export const rawBody: RequestHandler = (req, res, next) => {
  readRaw(req, res, (error?: unknown) => {
    if (error === undefined || error === null) return next();
    const type = (error as { type?: string }).type;
    if (type === 'encoding.unsupported' || type === 'charset.unsupported' || isInflateFailure(error)) {
      req.body = UNREADABLE_BODY;
      return next();
    }
    next(error);
  });
};

/** body-parser wraps a zlib/brotli failure as a 400 whose cause has a zlib error code. */
function isInflateFailure(error: unknown): boolean {
  const { status, code } = error as { status?: number; code?: unknown };
  return status === 400 && typeof code === 'string' && (code.startsWith('Z_') || code.includes('BROTLI'));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: invalid bytes are an error (Python's decode fails), never silently replaced. */
export function decodeUtf8(body: unknown): string | undefined {
  if (body === UNREADABLE_BODY) return undefined;
  if (!Buffer.isBuffer(body)) return '';
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

const utf8Replacing = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * A JSON route's body as Odoo's `request.get_json_data()` reads it: Werkzeug 2.2's
 * `get_data(as_text=True)` decodes with errors='replace' (an invalid byte becomes U+FFFD and the
 * JSON around it still parses) and keeps a byte-order mark, which json.loads then refuses.
 */
export function decodeJsonBodyText(body: unknown): string | undefined {
  if (body === UNREADABLE_BODY) return undefined;
  if (!Buffer.isBuffer(body)) return '';
  return utf8Replacing.decode(body);
}
