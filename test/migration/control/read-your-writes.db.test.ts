import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../odoo-bridge/orm/registry/registry-cache.ts';
import { COMPUTED_FIELDS } from '../../../odoo-bridge/orm/read/computed-fields.ts';
import type { Registry } from '../../../odoo-bridge/orm/registry/types.ts';
import type { UpstreamOdoo } from '../../../odoo-bridge/proxy/upstream-odoo.ts';
import type { CallRouter, RouteQuery } from '../../../odoo-bridge/routing/call-router.ts';
import { tablesReadBy } from '../../../migration/control/read-your-writes/call-footprint.ts';
import { startFinanceCutoverStack, type FinanceCutoverStack } from '../../services/finance/support/finance-cutover-stack.ts';

const DATABASE = 'hp_legacy';
const ADMIN = 2;
const SENDER_LOGIN = 'member002@hp.example'; // uid 7
const RECEIVER = 284; // coach039
const GIFTS = 50;

/** A JSON-RPC client of the gateway, as the golden replayer and Odoo clients reach it. */
async function jsonRpcUser(url: string, login: string) {
  const endpoint = new URL('/jsonrpc', url).toString();
  let id = 0;
  const call = async (service: string, method: string, args: unknown[]) => {
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: ++id }) });
    const body = (await response.json()) as { result?: unknown; error?: { message: string; data?: { name?: string; message?: string } } };
    if (body.error) throw new Error(`${body.error.data?.name ?? 'error'}: ${body.error.data?.message ?? body.error.message}`);
    return body.result;
  };
  const uid = Number(await call('common', 'authenticate', [DATABASE, login, login, {}]));
  if (!uid) throw new Error(`login ${login} refused`);
  return { uid, exec: (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => call('object', 'execute_kw', [DATABASE, uid, login, model, method, args, kwargs]) };
}

/** The read-your-writes holds so far: their count and total seconds. */
async function holds(metrics: FinanceCutoverStack['stack']['metrics']): Promise<{ waitSum: number; waitCount: number }> {
  const values = (await metrics.getSingleMetric('ficus_read_your_writes_wait_seconds')!.get()).values as { metricName?: string; value: number }[];
  const of = (suffix: string) => values.find((v) => v.metricName === `ficus_read_your_writes_wait_seconds_${suffix}`)?.value ?? 0;
  return { waitSum: of('sum'), waitCount: of('count') };
}

const balanceSql = 'SELECT coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) AS balance';

describe('read-your-writes across the cut: legacy reads of tables finance owns (M13–M15 in phase service)', () => {
  let finance: FinanceCutoverStack;
  let registry: Registry;

  beforeAll(async () => {
    finance = await startFinanceCutoverStack();
    registry = await loadRegistry({ name: DATABASE, pool: finance.stack.legacyPool });
  }, 300_000);
  afterAll(async () => {
    await finance?.stop();
  });

  it('knows from the call alone which tables a read reaches (computed fields by their declared tables, paths, specifications, group-bys)', () => {
    const reads = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => tablesReadBy(registry, { model, method, args, kwargs });
    expect(reads('res.users', 'read', [[7], ['points_balance']])).toContain('points_transactions');
    expect(reads('res.users', 'read', [[7]], { fields: ['points_balance'] })).toContain('points_transactions');
    expect(reads('res.users', 'read', [[7]])).toContain('points_transactions'); // every field
    expect(reads('res.users', 'web_read', [[7]], { specification: { points_balance: {} } })).toContain('points_transactions');
    expect(reads('res.users', 'read', [[7], ['name', 'login', 'partner_id']])).not.toContain('points_transactions');
    expect(reads('res.users', 'search_read', [[['partner_id.name', 'ilike', 'a']], ['login']])).toEqual(new Set(['res_users', 'res_partner']));
    expect(reads('res.users', 'fields_get', [])).toEqual(new Set());
    // The hp models' own tables, and a many2one's comodel (answered with its display name).
    expect(reads('hp.gift.order', 'search_read', [[], ['gift_id']])).toEqual(new Set(['gift_orders', 'gifts']));
    expect(reads('hp.gift.order', 'read_group', [[], ['points_spent:sum'], ['gift_id']])).toEqual(new Set(['gift_orders', 'gifts']));
    expect(reads('hp.gift.order', 'search', [[['gift_id', 'any', [['price_points', '>', 1]]]]])).toEqual(new Set(['gift_orders', 'gifts']));
    // Every compute that reads other tables says which.
    expect(Object.entries(COMPUTED_FIELDS).filter(([, f]) => f.select && !f.readsTables?.length).map(([name]) => name)).toEqual([]);
  });

  it('property: a res.users read reaches the ledger exactly when it asks for points_balance (or for every field), whatever else it reads or filters on', () => {
    const users = registry.model('res.users')!;
    const names = [...users.fields.keys()].filter((n) => n !== 'points_balance');
    const stored = names.filter((n) => users.fields.get(n)!.store);
    const reaches = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) => tablesReadBy(registry, { model, method, args, kwargs }).has('points_transactions');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.constantFrom(...stored), fc.constantFrom('=', '!=', 'ilike', 'in', 'not in')), { maxLength: 4 }),
        fc.constantFrom('read', 'search_read', 'web_read', 'web_search_read', 'read_group', 'search', 'search_count'),
        fc.boolean(),
        (fields, withBalance, leaves, method, asKeywords) => {
          const asked = withBalance ? [...fields, 'points_balance'] : fields;
          const domain = leaves.map(([name, op]) => [name, op, op.endsWith('in') ? [1] : 1]);
          const fieldsArg = method.startsWith('web_') ? Object.fromEntries(asked.map((n) => [n, {}])) : asked;
          const key = method.startsWith('web_') ? 'specification' : 'fields';
          const [args, kwargs]: [unknown[], Record<string, unknown>] =
            method === 'read' || method === 'web_read' ? (asKeywords ? [[[7]], { [key]: fieldsArg }] : [[[7], fieldsArg], {}])
            : method === 'read_group' ? [[domain, asked, [fields[0]]], {}]
            : method === 'search' || method === 'search_count' ? (asKeywords ? [[], { domain }] : [[domain], {}])
            : asKeywords ? [[], { domain, [key]: fieldsArg }] : [[domain, fieldsArg], {}];
          const expected = method === 'search' || method === 'search_count' ? false : withBalance;
          expect(reaches('res.users', method, args, kwargs)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
    expect(reaches('res.users', 'search_read', [[]], {})).toBe(true); // no fields: every field
  });

  it('a gift through finance, then the sender reads points_balance from the monolith: the debited balance, 50 times in a row', { timeout: 120_000 }, async () => {
    const { stack, service, legacy } = finance;
    const member = await jsonRpcUser(stack.gatewayUrl, SENDER_LOGIN);
    const gift = (await service.pool.query<{ id: number; price_points: number }>('SELECT id, price_points FROM gifts WHERE active ORDER BY price_points, id LIMIT 1')).rows[0]!;
    // Enough points for every gift: an admin credit in finance's ledger (hp.points.transaction routes there).
    const inProcess = stack.runtime.handlerFor({ name: DATABASE, pool: stack.legacyPool });
    const head = Number((await service.pool.query(balanceSql, [member.uid])).rows[0].balance);
    await inProcess({ database: DATABASE, uid: ADMIN, model: 'hp.points.transaction', method: 'create', args: [{ user_id: member.uid, delta: GIFTS * gift.price_points + 10 }], kwargs: {} });
    const ryw = stack.runtime.readYourWrites;

    let staleWithoutRule = 0;
    const answered: { expected: number; read: unknown; copyRead: number }[] = [];
    for (let i = 0; i < GIFTS; i++) {
      await member.exec('hp.gift.order', 'create', [{ sender_id: member.uid, receiver_id: RECEIVER, gift_id: gift.id, quantity: 1 }]);
      // The same moment, two readers of the monolith's copy: the gateway's engine (with the rule)
      // and the compute's own SQL without it, which shows how often the copy is still behind.
      const [read, copy] = await Promise.all([
        member.exec('res.users', 'read', [[member.uid], ['points_balance']]),
        legacy.pool.query(balanceSql, [member.uid]),
      ]);
      const expected = Number((await service.pool.query(balanceSql, [member.uid])).rows[0].balance);
      const copyRead = Number(copy.rows[0].balance);
      if (copyRead !== expected) staleWithoutRule++;
      answered.push({ expected, read, copyRead });
    }
    const { waitSum, waitCount } = await holds(stack.metrics);
    console.log(`read-your-writes: ${GIFTS} gifts; the monolith's copy read without the rule was stale ${staleWithoutRule} times; ${waitCount} reads held ${((1000 * waitSum) / waitCount).toFixed(1)} ms on average; position queries ${ryw.positionQueries}`);
    expect(answered.map((a) => a.read)).toEqual(answered.map((a) => [{ id: member.uid, points_balance: a.expected }]));
    expect(answered.at(-1)!.expected).toBe(head + 10);
    expect(staleWithoutRule).toBeGreaterThan(0);
    const calls = (await stack.metrics.getSingleMetric('ficus_read_your_writes_calls_total')!.get()).values;
    expect(calls.find((v) => v.labels.outcome === 'caught_up')?.value ?? 0).toBeGreaterThanOrEqual(GIFTS);
    expect(calls.filter((v) => v.labels.outcome !== 'caught_up').reduce((n, v) => n + v.value, 0)).toBe(0);
  });

  it('a read touching no table of a migrated module makes no position query; one that does, makes a few', async () => {
    const member = await jsonRpcUser(finance.stack.gatewayUrl, SENDER_LOGIN);
    const ryw = finance.stack.runtime.readYourWrites;
    const before = ryw.positionQueries;
    for (let i = 0; i < 20; i++) {
      expect(await member.exec('res.users', 'read', [[member.uid], ['name', 'login']])).toEqual([{ id: member.uid, name: expect.any(String), login: SENDER_LOGIN }]);
      await member.exec('res.partner', 'search_read', [[['id', '=', 1]], ['name', 'country_id']]);
      await member.exec('res.users', 'fields_get', [['points_balance']]);
    }
    expect(ryw.positionQueries).toBe(before);
    const held = await holds(finance.stack.metrics);
    await member.exec('res.users', 'read', [[member.uid], ['points_balance']]);
    // A service marker and at least one checkpoint poll.
    expect(ryw.positionQueries - before).toBeGreaterThanOrEqual(2);
    expect(ryw.positionQueries - before).toBeLessThan(100); // one marker, then polls every 5 ms while the reverse reader catches up
    // With nothing of the member's pending: what the hold costs on its own.
    for (let i = 0; i < 9; i++) await member.exec('res.users', 'read', [[member.uid], ['points_balance']]);
    const after = await holds(finance.stack.metrics);
    console.log(`read-your-writes with no write pending: ${after.waitCount - held.waitCount} reads held ${((1000 * (after.waitSum - held.waitSum)) / (after.waitCount - held.waitCount)).toFixed(1)} ms on average, ${(ryw.positionQueries - before) / 10} position queries each`);
  });

  it('holds a read the upstream Odoo would answer (execute_kw params) the same way; a local decision or a read of no migrated table passes at once', async () => {
    const ryw = finance.stack.runtime.readYourWrites;
    const upstream = { kind: 'upstream', upstream: {} as UpstreamOdoo } as const;
    const routed: CallRouter = (query) => (query.method === 'search' ? { kind: 'local' } : upstream);
    const router = ryw.holdRoute(routed, { name: DATABASE, pool: finance.stack.legacyPool });
    const query = (method: string, args: unknown[], kwargs: Record<string, unknown>): RouteQuery => ({
      database: DATABASE, model: 'res.users', method, rpc: { method: 'execute_kw', params: [DATABASE, 7, 'pw', 'res.users', method, args, kwargs] },
    });
    const before = ryw.positionQueries;
    expect(await router(query('read', [[7]], { fields: ['login'] }))).toBe(upstream);
    expect(await router(query('search', [[]], {}))).toEqual({ kind: 'local' });
    expect(ryw.positionQueries).toBe(before);
    expect(await router(query('read', [[7], ['points_balance']], {}))).toBe(upstream);
    expect(ryw.positionQueries).toBeGreaterThan(before);
  });
});

