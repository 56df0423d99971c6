import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { logger: createLogger({ level: 'info', format: 'json', destination: stream }), text: () => text };
}

describe('logging', () => {
  it('writes JSON lines and censors secrets and health values at any of the first three levels', async () => {
    const { logger, text } = capture();
    logger.info(
      {
        password: 'hunter2',
        call: { api_key: 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840', headers: { authorization: 'bearer abc', cookie: 'session_id=xyz' } },
        row: { value: 132.5, value2: 88, user_id: 7 },
      },
      'call',
    );
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(text().trim());
    expect(line.msg).toBe('call');
    expect(text()).not.toMatch(/hunter2|c0a6f4d0|bearer abc|session_id=xyz|132\.5/);
    expect(line.row.user_id).toBe(7);
    expect(line.row.value).toBe('[redacted]');
  });

  it('logs errors without stack or attached objects', async () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error('relation "x" does not exist'), { code: '42P01', client: { password: 'pw' }, query: 'SELECT 1' });
    logger.error({ err: error }, 'failed');
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(text().trim());
    expect(line.err).toEqual({ type: 'Error', message: 'relation "x" does not exist', code: '42P01' });
    expect(text()).not.toMatch(/at .*\.ts:\d+|SELECT 1|"pw"/);
  });
});

describe('the service key', () => {
  it('appears once per line: ficus for the gateway, the service for its lines and their children', async () => {
    const { logger, text } = capture();
    logger.info('gateway line');
    const trade = logger.child({ requestId: 'r1' }).child({ service: 'trade' });
    trade.info('service line');
    trade.child({ step: 'x' }).warn('grandchild line');
    logger.child({ service: 'dynamic' }).child({ service: 'dynamic' }).info('twice named');
    await new Promise((r) => setImmediate(r));
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.match(/"service":/g), line).toHaveLength(1);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => l.service)).toEqual(['ficus', 'trade', 'trade', 'dynamic']);
    expect(parsed[1]).toMatchObject({ requestId: 'r1', msg: 'service line' });
    expect(parsed[2]).toMatchObject({ requestId: 'r1', step: 'x' });
  });

  it('a child keeps the level of its parent', async () => {
    const { logger, text } = capture();
    logger.level = 'warn';
    logger.child({ service: 'trade' }).info('hidden');
    logger.child({ service: 'trade' }).warn('shown');
    await new Promise((r) => setImmediate(r));
    expect(text()).not.toContain('hidden');
    expect(text()).toContain('shown');
  });

  it('a service child names its service once and censors as the root does; per-request children share one root per service', async () => {
    const { logger, text } = capture();
    const first = logger.child({ service: 'trade', requestId: 'a' });
    const second = logger.child({ service: 'trade', requestId: 'b' });
    // Making a root compiles its redaction: a request's child must not make one.
    expect(Object.getPrototypeOf(first)).toBe(Object.getPrototypeOf(second));
    expect(Object.getPrototypeOf(logger.child({ service: 'auth' }))).not.toBe(Object.getPrototypeOf(first));
    second.info({ password: 'hunter2' }, 'request');
    await new Promise((r) => setImmediate(r));
    const raw = text().trim();
    expect(raw.match(/"service":/g)).toHaveLength(1);
    const line = JSON.parse(raw);
    expect([line.service, line.requestId, line.password]).toEqual(['trade', 'b', '[redacted]']);
  });
});
