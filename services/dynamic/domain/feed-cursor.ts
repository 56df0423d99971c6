/** The orders a feed is read in: newest entry first, or most relevant first (domain/feed-page.ts). */
export const FEED_ORDERS = ['recent', 'relevance'] as const;
export type FeedOrder = (typeof FEED_ORDERS)[number];

/** Where a page ends, in the page's own order: the entry's position key (a timestamp or a rank, as PostgreSQL prints it) and id. */
export interface FeedPosition {
  key: string;
  id: number;
}

/** A cursor that does not belong to this request (malformed, another user's, another order) or to this ranking. */
export class CursorError extends Error {
  constructor(message: string, readonly stale = false) {
    super(message);
    this.name = 'CursorError';
  }
}

interface CursorBody {
  v: 1;
  u: number;
  o: FeedOrder;
  k: string;
  i: number;
  /** The preferences version a relevance order was ranked under. */
  p?: number;
}

/**
 * Opaque to clients (base64url JSON), stable for the server: a keyset position, so a page
 * follows the previous one whatever was added above it meanwhile, with no entry twice and none
 * skipped. A `relevance` cursor also names the preferences version it was ranked under: after
 * the user changed their weights it no longer fits and is refused (409), rather than silently
 * skipping or repeating entries.
 */
export function encodeCursor(userId: number, order: FeedOrder, position: FeedPosition, preferencesVersion: number): string {
  const body: CursorBody = { v: 1, u: userId, o: order, k: position.key, i: position.id, ...(order === 'relevance' ? { p: preferencesVersion } : {}) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string, userId: number, order: FeedOrder, preferencesVersion: number): FeedPosition {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new CursorError('the cursor is not one this feed handed out');
  }
  const keyPattern = order === 'recent' ? /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?)$/ : /^-?(\d+(\.\d+)?(e[-+]?\d+)?|Infinity|NaN)$/;
  if (body?.v !== 1 || typeof body.k !== 'string' || !keyPattern.test(body.k) || !Number.isSafeInteger(body.i) || body.i! < 0 || body.i! > 2_147_483_647) {
    throw new CursorError('the cursor is not one this feed handed out');
  }
  if (body.u !== userId || body.o !== order) throw new CursorError(`the cursor belongs to another feed (another user or order)`);
  if (order === 'relevance' && body.p !== preferencesVersion) throw new CursorError('the feed was ranked again since this cursor (preferences changed): start from the first page', true);
  return { key: body.k, id: body.i! };
}
