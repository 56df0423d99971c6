import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { coreBehaviours } from '../../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * A stored related field (hp_ads: `hp.ad.impression.currency_id = Many2one(related=
 * 'campaign_id.currency_id', store=True)`) holds what its path reads when the record is created
 * and when its first hop is written, on any model, with no behaviour of its own (golden seq_ads#15,
 * #24: Odoo reads the campaign's currency back after an RPC create). A value given for the
 * related field itself is kept. The campaign's stored `spent` is hp_ads's compute, registered here
 * as the test's own so that the engine accepts impressions.
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
const call = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => engine.call({ database: 'hp_legacy', uid: ADMIN, model, method, args, kwargs });
const currencyOf = async (impression: number) =>
  (await db.pool.query<{ currency_id: number | null }>('SELECT currency_id FROM ad_impressions WHERE id = $1', [impression])).rows[0]!.currency_id;

let usd: number;
let eur: number;

beforeAll(async () => {
  db = await legacyDatabase();
  const behaviours = coreBehaviours();
  behaviours.register('hp.ad.campaign', {
    compute: {
      spent: async (ctx, ids) => {
        await ctx.db.query('UPDATE ad_campaigns c SET spent = COALESCE((SELECT sum(i.cost) FROM ad_impressions i WHERE i.campaign_id = c.id), 0) WHERE c.id = ANY($1::int4[])', [ids]);
      },
    },
  });
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, behaviours });
  const currencies = (await db.pool.query<{ id: number; name: string }>(`SELECT id, name FROM res_currency WHERE name IN ('USD', 'EUR')`)).rows;
  usd = currencies.find((c) => c.name === 'USD')!.id;
  eur = currencies.find((c) => c.name === 'EUR')!.id;
});
afterAll(async () => db?.drop());

describe('stored related fields', () => {
  it('are filled on create from their path, and follow a write of the first hop', async () => {
    const [inUsd] = (await call('hp.ad.campaign', 'create', [[{ name: 'Related USD', currency_id: usd, budget: 100 }]])) as number[];
    const [inEur] = (await call('hp.ad.campaign', 'create', [[{ name: 'Related EUR', currency_id: eur, budget: 100 }]])) as number[];
    const [a, b] = (await call('hp.ad.impression', 'create', [[{ campaign_id: inUsd, cost: 0.5 }, { campaign_id: inEur, cost: 0.25 }]])) as number[];
    expect([await currencyOf(a!), await currencyOf(b!)]).toEqual([usd, eur]);
    const read = (await call('hp.ad.impression', 'read', [[a, b], ['currency_id']])) as Array<{ currency_id: [number, string] | false }>;
    expect(read.map((r) => (r.currency_id ? r.currency_id[0] : false))).toEqual([usd, eur]);

    await call('hp.ad.impression', 'write', [[a], { campaign_id: inEur }]);
    expect(await currencyOf(a!)).toBe(eur);
    // A write that does not touch the path leaves the value alone.
    await db.pool.query('UPDATE ad_impressions SET currency_id = $2 WHERE id = $1', [b, usd]);
    await call('hp.ad.impression', 'write', [[b], { cost: 0.3 }]);
    expect(await currencyOf(b!)).toBe(usd);
  });

  it('keep a value the create gave them', async () => {
    const [campaign] = (await call('hp.ad.campaign', 'create', [[{ name: 'Related given', currency_id: usd, budget: 10 }]])) as number[];
    const [given, derived] = (await call('hp.ad.impression', 'create', [[{ campaign_id: campaign, cost: 0.1, currency_id: eur }, { campaign_id: campaign, cost: 0.1 }]])) as number[];
    expect([await currencyOf(given!), await currencyOf(derived!)]).toEqual([eur, usd]);
  });
});
