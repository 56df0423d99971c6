import express from 'express';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { problemHandler } from '../../services/kit/http/problem.ts';
import { rejectNulCharacters } from '../../services/kit/http/reject-nul.ts';

/**
 * A NUL (U+0000) in any string or key of a REST body or query is refused at the edge (PostgreSQL
 * text cannot hold it); a body whose bytes hold no `\u0000` escape is passed without a walk, and
 * one in another charset than UTF-8 is always walked.
 */
let server: Server;
let base = '';

beforeAll(async () => {
  const app = express();
  const keepRawBody = (req: express.Request, _res: express.Response, bytes: Buffer) => void ((req as express.Request & { rawBody?: Buffer }).rawBody = bytes);
  app.post('/echo', express.json({ verify: keepRawBody as never }), rejectNulCharacters, (req, res) => void res.json(req.body));
  app.use(problemHandler(createLogger({ level: 'silent', format: 'json' })));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = async (body: Buffer | string, contentType = 'application/json', query = '') => {
  const answer = await fetch(`${base}/echo${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: answer.status, json: async () => (await answer.json()) as any };
};

describe('NUL characters at the REST edge', () => {
  it('refuses a NUL in a nested string or a key, naming where, and passes a body without one', async () => {
    const nested = await post(JSON.stringify({ items: [{ note: 'ok' }, { note: 'a\u0000b' }] }));
    expect(nested.status).toBe(400);
    expect((await nested.json()).errors).toEqual([{ pointer: '#/items/1/note', detail: 'contains U+0000' }]);
    const key = await post(JSON.stringify({ ['k\u0000']: 1 }));
    expect((await key.json()).errors).toEqual([{ pointer: '#/k\u0000', detail: 'contains U+0000' }]);
    const clean = await post(JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => ({ note: `n${i}`, path: 'a\\u0000 as text' })) }));
    expect(clean.status).toBe(200);
    expect((await clean.json()).items[0].path).toBe('a\\u0000 as text');
    expect((await post('{}', 'application/json', '?q=a%00b')).status).toBe(400);
  });

  it('walks a body in another charset than UTF-8', async () => {
    const utf16 = Buffer.from(JSON.stringify({ note: 'a\u0000b' }), 'utf16le');
    const answer = await post(utf16, 'application/json; charset=utf-16le');
    expect(answer.status).toBe(400);
    expect((await answer.json()).errors).toEqual([{ pointer: '#/note', detail: 'contains U+0000' }]);
  });
});
