import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { OdooError, userError } from '../../../odoo-bridge/errors.ts';
import type { OdooCall } from '../../../odoo-bridge/call.ts';
import { createCallObserver } from '../../../odoo-bridge/observability/call-observer.ts';
import { LoginThrottle } from '../../../odoo-bridge/auth/login-throttle.ts';

const MODELS: Record<string, string[]> = { 'res.partner': ['read', 'search_read', 'action_archive'], 'hp.service.order': ['action_confirm'] };

/** A handler that answers as the ORM does: unknown model, unknown method, or a value. */
async function ormLike(call: OdooCall): Promise<unknown> {
  const methods = MODELS[call.model];
  if (!methods) throw userError(`Object ${call.model} doesn't exist`);
  if (!methods.includes(call.method)) throw new OdooError('builtins.AttributeError', `The method '${call.method}' does not exist on the model '${call.model}'`);
  if (call.uid === 99) throw new OdooError('odoo.exceptions.AccessError', 'no');
  return [];
}

function observed() {
  const registry = new Registry();
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const handler = createCallObserver(createLogger({ level: 'info', format: 'json', destination: stream }), registry)(ormLike);
  const call = (model: string, method: string, uid = 2) =>
    handler({ database: 'db', uid, model, method, args: [], kwargs: {}, transport: 'jsonrpc' }).catch(() => undefined);
  const labels = async () => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'ficus_odoo_calls_total')!;
    return (metric.values as { labels: Record<string, string> }[]).map((v) => `${v.labels.model}/${v.labels.method}`).sort();
  };
  return { call, labels, logged: () => logged };
}

describe('metric labels of Odoo calls come only from known sets', () => {
  it('made-up models and methods are counted as `other`; real ones by name, also when the call is refused', async () => {
    const { call, labels, logged } = observed();
    await call('res.partner', 'read');
    await call('res.partner', 'action_archive', 99); // refused, but the model and method exist
    await call('no.such.model', 'read');
    await call('res.partner', 'no_such_method');
    await call('x'.repeat(500), 'y'.repeat(500));
    // `read` is a method already seen answering; a made-up model with it is still `other`.
    expect(await labels()).toEqual(['other/other', 'other/read', 'res.partner/action_archive', 'res.partner/other', 'res.partner/read']);
    // The log line still says what was asked (clipped), for the operator.
    expect(logged()).toContain('"model":"no.such.model"');
  });

  it('however many made-up names a client sends, the series stay the real ones plus `other`', async () => {
    const { call, labels } = observed();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (model, method) => {
        await call(model, method);
      }),
      { numRuns: 300 },
    );
    for (const [model, methods] of Object.entries(MODELS)) for (const method of methods) await call(model, method);
    const realMethods = Object.values(MODELS).flat();
    const allowed = new Set(['other/other', ...realMethods.map((m) => `other/${m}`), ...Object.entries(MODELS).flatMap(([model, methods]) => [`${model}/other`, ...methods.map((m) => `${model}/${m}`)])]);
    for (const label of await labels()) expect(allowed.has(label), label).toBe(true);
  });
});

describe('failed and throttled logins are logged, never with the password', () => {
  it('logs each failure and each refused attempt with the login and the address', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const throttle = new LoginThrottle({ failuresBeforeCooldown: 2, cooldownMs: 60_000, logger: createLogger({ level: 'info', format: 'json', destination: stream }) });
    const password: string = 'not-the-password-123';
    const tryLogin = () => throttle.attempt({ clientAddress: '203.0.113.9', login: 'mallory@example.com' }, async () => (password === 'right' ? 7 : false)).catch((e: unknown) => e);
    await tryLogin();
    await tryLogin();
    const refused = await tryLogin();
    expect(refused).toBeInstanceOf(OdooError);
    await new Promise((r) => setImmediate(r));
    const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['login failed', 'login failed', 'login throttled: too many failures, refused without checking']);
    expect(lines[1]).toMatchObject({ login: 'mallory@example.com', address: '203.0.113.9', failures: 2, level: 40 });
    expect(lines[2]).toMatchObject({ login: 'mallory@example.com', address: '203.0.113.9' });
    expect(logged).not.toContain(password);
  });
});
