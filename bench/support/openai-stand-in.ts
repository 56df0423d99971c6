import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received, as it arrived. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  at: number;
}

/**
 * What the stand-in does with the next chat-completions request: answer (after `delayMs`), answer
 * an HTTP error status, or hang up without answering. Behaviours queued with `next()` are used
 * first, one per request, then `always` (default: answer at once).
 */
export type StandInBehaviour =
  | { kind: 'answer'; delayMs?: number; text?: (prompt: string) => string }
  | { kind: 'status'; status: number; delayMs?: number; body?: unknown }
  | { kind: 'drop'; delayMs?: number }
  | { kind: 'not-json' };

export interface OpenAiStandIn {
  /** e.g. `http://127.0.0.1:41234/v1` (what AI_OPENAI_BASE_URL takes). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Requests being answered right now. */
  inFlight(): number;
  next(...behaviours: StandInBehaviour[]): void;
  always(behaviour: StandInBehaviour): void;
  /** The API key it accepts (Bearer); any other gets 401, as OpenAI answers. */
  readonly apiKey: string;
  close(): Promise<void>;
}

/**
 * A local server speaking the OpenAI chat-completions API (POST /v1/chat/completions, Bearer key,
 * `choices[0].message.content`, `usage`), on a free port over real HTTP: the OpenAI-compatible
 * provider's tests and the bench talk to it as to a vendor's endpoint. It records every request,
 * and can answer slowly, fail with a status, hang up or answer something that is not JSON.
 */
export async function startOpenAiStandIn(options: { apiKey?: string; model?: string } = {}): Promise<OpenAiStandIn> {
  const apiKey = options.apiKey ?? 'sk-stand-in-secret';
  const requests: RecordedRequest[] = [];
  const queued: StandInBehaviour[] = [];
  let fallback: StandInBehaviour = { kind: 'answer' };
  let active = 0;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) => new Promise<void>((resolve) => {
    if (!ms) return resolve();
    const timer = setTimeout(() => { timers.delete(timer); resolve(); }, ms);
    timers.add(timer);
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      active++;
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: any = null;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          body = raw;
        }
        const path = (req.url ?? '/').split('?')[0]!;
        requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() });
        if (req.method !== 'POST' || path !== '/v1/chat/completions') return json(res, 404, { error: { message: 'Unknown request URL', type: 'invalid_request_error' } });
        if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
        if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || typeof body.model !== 'string') {
          return json(res, 400, { error: { message: "'messages' and 'model' are required", type: 'invalid_request_error' } });
        }
        const behaviour = queued.shift() ?? fallback;
        await wait('delayMs' in behaviour ? (behaviour.delayMs ?? 0) : 0);
        if (behaviour.kind === 'drop') return void req.socket.destroy();
        if (behaviour.kind === 'status') return json(res, behaviour.status, behaviour.body ?? { error: { message: `stand-in status ${behaviour.status}`, type: 'server_error' } });
        if (behaviour.kind === 'not-json') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('<html>gateway</html>');
        }
        const prompt = String(body.messages.findLast?.((m: { role: string }) => m.role === 'user')?.content ?? '');
        const text = behaviour.text ? behaviour.text(prompt) : `Stand-in answer to: ${prompt}`;
        json(res, 200, {
          id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: options.model ?? body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: prompt.length, completion_tokens: text.length, total_tokens: prompt.length + text.length },
        });
      })().finally(() => active--);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    apiKey,
    inFlight: () => active,
    next: (...behaviours) => void queued.push(...behaviours),
    always: (behaviour) => void (fallback = behaviour),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
