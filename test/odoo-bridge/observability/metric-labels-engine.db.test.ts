import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { coreBehaviours, createFullOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { createCallObserver } from '../../../odoo-bridge/observability/call-observer.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * Metric labels of Odoo calls against the real engine's answers: a member (uid 6) calling names of
 * its choosing must not grow the series. The engine refuses a private method (`_x`) before it looks
 * the model up, and answers any `action_*` of a model outside the extracted sources with a
 * missing-behaviour refusal: neither proves a name exists, so neither may teach a label.
 */
const MEMBER = 6;
let legacy: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  legacy = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, behaviours: coreBehaviours() });
}, 120_000);
afterAll(async () => legacy?.drop());

function observed() {
  const registry = new Registry();
  const handler = createCallObserver(createLogger({ level: 'silent', format: 'json' }), registry)(engine.call);
  const call = (model: string, method: string, args: unknown[] = []) =>
    handler({ database: 'hp_legacy', uid: MEMBER, model, method, args, kwargs: {}, transport: 'jsonrpc' }).then(
      () => 'ok',
      (error: { exceptionName?: string }) => error.exceptionName ?? 'internal',
    );
  const series = async () => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'ficus_odoo_calls_total');
    return new Set(((metric?.values ?? []) as { labels: Record<string, string> }[]).map((v) => `${v.labels.model}/${v.labels.method}`));
  };
  return { call, series };
}

describe('metric labels under made-up names sent by a logged-in member, answered by the real engine', () => {
  it('private-method refusals and missing-behaviour refusals label `other`; a real call keeps its names', async () => {
    const { call, series } = observed();
    expect(await call('made.up.model', '_private')).toBe('odoo.exceptions.AccessError');
    expect(await call('res.partner', '_also_private')).toBe('odoo.exceptions.AccessError');
    expect([...(await series())]).toEqual(['other/other']);
    expect(await call('res.partner', 'search_count', [[]])).toBe('ok');
    // Once answered, the model is known: a refused made-up method of it counts under its name.
    expect(await call('res.partner', '_also_private')).toBe('odoo.exceptions.AccessError');
    expect(await call('res.partner', 'action_made_up')).not.toBe('ok');
    expect([...(await series())].sort()).toEqual(['other/other', 'res.partner/other', 'res.partner/search_count']);
  });

  it('whatever names a member sends, the series stay bounded by what answered (a few real ones and `other`)', async () => {
    const { call, series } = observed();
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}(\.[a-z0-9_]{1,8}){0,2}$/);
    const hostileMethod = fc.oneof(name.map((n) => `_${n}`), name.map((n) => `action_${n}`), name.map((n) => `button_${n}`), name);
    const hostileModel = fc.oneof(name, fc.constantFrom('res.partner', 'res.users', 'hp.service.order', 'mail.message'));
    await fc.assert(
      fc.asyncProperty(hostileModel, hostileMethod, async (model, method) => {
        await call(model, method, [[1]]);
      }),
      { numRuns: 200 },
    );
    // Only calls that answered, or failed after the engine found both names, may name a series.
    const realModels = new Set(['res.partner', 'res.users', 'hp.service.order', 'mail.message', 'other']);
    for (const label of await series()) {
      const [model, method] = label.split('/') as [string, string];
      expect(realModels.has(model), label).toBe(true);
      expect(method === 'other' || !/^(_|action_|button_)/.test(method) || method === 'action_archive' || method === 'action_unarchive', label).toBe(true);
    }
    expect((await series()).size).toBeLessThanOrEqual(12);
  });
});
