import type { RequestHandler } from 'express';
import { problems } from './problem.ts';

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in a JSON body or query string would
 * otherwise reach the database and fail there (a 500 with the driver's complaint). Refused at
 * the edge instead: 400 problem+json pointing at the first such string.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const where = (mayHoldNul(req) ? firstNul(req.body, '#') : undefined) ?? firstNul(req.query, '/query');
  if (where === undefined) return next();
  next(problems.badRequest('strings may not contain the NUL character (U+0000)', [{ pointer: where, detail: 'contains U+0000' }]));
};

/**
 * JSON can only carry U+0000 as the escape `\u0000` (a raw NUL is not valid JSON text), so a body
 * whose bytes hold no such escape needs no walk: a batch of a thousand items is passed in one scan.
 */
const NUL_ESCAPE = Buffer.from('\\u0000');
function mayHoldNul(req: Parameters<RequestHandler>[0]): boolean {
  const raw = (req as { rawBody?: Buffer }).rawBody;
  // The bytes are searched as UTF-8; a body in another charset express.json accepts is walked.
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  return raw === undefined || (charset !== undefined && charset !== 'utf-8') || raw.includes(NUL_ESCAPE);
}

/** JSON pointer of the first string (or key) holding U+0000; iterative, since bodies can be deep. */
function firstNul(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [current, pointer] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return pointer;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (key.includes('\u0000')) return child;
        pending.push([item, child]);
      }
    }
  }
  return undefined;
}
