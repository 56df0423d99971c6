import type { RequestHandler } from 'express';
import { problems } from './problem.ts';

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in a JSON body or query string would
 * otherwise reach the database and fail there (a 500 with the driver's complaint). Refused at
 * the edge instead: 400 problem+json pointing at the first such string.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const where = firstNul(req.body, '#') ?? firstNul(req.query, '/query');
  if (where === undefined) return next();
  next(problems.badRequest('strings may not contain the NUL character (U+0000)', [{ pointer: where, detail: 'contains U+0000' }]));
};

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
