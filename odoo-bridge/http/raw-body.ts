import express from 'express';

/** Bodies larger than this are refused before parsing (Odoo's own limit is its max_file_upload_size). */
export const MAX_BODY_BYTES = 128 * 1024 * 1024;

/** Every protocol route reads the body as bytes and parses it itself, so each can answer malformed input its own way. */
export const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: invalid bytes are an error (Python's decode fails), never silently replaced. */
export function decodeUtf8(body: unknown): string | undefined {
  if (!Buffer.isBuffer(body)) return '';
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}
