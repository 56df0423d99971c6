import { updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo, type Vals } from '../../../odoo-bridge/orm/index.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { adClickedEvent, type ClickedImpression } from '../domain/ad-events.ts';
import { CAMPAIGN_METHODS, runCampaignAction, type CampaignAction, type CampaignStore } from '../domain/ad-campaigns.ts';
import { campaignsOfImpressions, recomputeSpent } from '../domain/ad-spent.ts';
import { formatDecimal, parseDecimal, roundToCurrency, withScale } from '../domain/pacing-decimal.ts';
import type { EcBehaviourOptions } from './behaviour-options.ts';

/** `self` of an hp.ad.campaign method inside an ORM call: Python's first read through the engine (ACL, MissingError, rules), and `self.write` through it. */
function rpcCampaignStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): CampaignStore {
  return {
    read: (ids) => readSelf(ctx, behaviours, model, 'ad_campaigns', ids, ['state']),
    write: async (ids, transition) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { state: transition.to })),
  };
}

const QUALNAMES: Record<CampaignAction, string> = {
  start: 'HpAdCampaign.action_start',
  pause: 'HpAdCampaign.action_pause',
  done: 'HpAdCampaign.action_done',
};

/** The impressions among `ids` that are clicked now. */
async function clickedOf(ctx: CallContext, ids: readonly number[]): Promise<ClickedImpression[]> {
  if (!ids.length) return [];
  const { rows } = await ctx.db.query<{ id: number; campaign_id: number; user_id: number | null; cost: string | null; currency: string | null }>(
    `SELECT i.id, i.campaign_id, i.user_id, i.cost::text AS cost, c.name AS currency
       FROM ad_impressions i LEFT JOIN res_currency c ON c.id = i.currency_id WHERE i.id = ANY($1::int4[]) AND i.clicked`,
    [[...ids]],
  );
  return rows.map((r) => ({ impressionId: r.id, campaignId: r.campaign_id, userId: r.user_id, cost: r.cost, currency: r.currency }));
}

/**
 * fields.Monetary.convert_to_column for `cost`: rounded to the impression's currency (its
 * campaign's: currency_id is related campaign_id.currency_id), as Odoo stores it, so that spent,
 * the sum, is the sum of what is stored (the engine writes a Monetary as a plain float today). A
 * value that is not a plain decimal number is left to the engine's own conversion and errors.
 */
async function roundCost(ctx: CallContext, vals: Vals, campaignId: number | null): Promise<void> {
  if (typeof vals.cost !== 'number' || !Number.isFinite(vals.cost) || campaignId === null) return;
  const { rows } = await ctx.db.query<{ rounding: string; decimal_places: number }>(
    'SELECT c.rounding::text AS rounding, c.decimal_places FROM ad_campaigns a JOIN res_currency c ON c.id = a.currency_id WHERE a.id = $1', [campaignId]);
  if (!rows[0]) return;
  let value;
  try {
    value = parseDecimal(vals.cost);
  } catch {
    return;
  }
  const rounded = withScale(roundToCurrency(value, parseDecimal(rows[0].rounding)), rows[0].decimal_places);
  vals.cost = Number(formatDecimal(rounded.units, rounded.scale));
}

/**
 * hp.ad.impression on the engine: every create, write of cost or campaign_id, and unlink
 * recomputes the stored spent of the campaigns concerned (old and new), in the call's
 * transaction, as Odoo's @api.depends('impression_ids.cost') does. No budget check: Odoo's addon
 * has none, and RPC answers stay Odoo's (MIGRATION.md: the budget is REST's pacing). On the
 * service side an impression created clicked, or written from not clicked to clicked, publishes
 * ad_clicked once, as the REST path does.
 */
function impressionBehaviour(options: EcBehaviourOptions): ModelBehaviour {
  const service = options.side === 'service';
  const before = new WeakMap<CallContext, { campaigns: number[]; unclicked: number[] }>();
  const run = (ctx: CallContext) => onQueryable(ctx.db);
  return {
    async beforeCreate(ctx, valsList) {
      for (const vals of valsList) await roundCost(ctx, vals, typeof vals.campaign_id === 'number' ? vals.campaign_id : null);
    },
    async afterCreate(ctx, ids) {
      await recomputeSpent(run(ctx), await campaignsOfImpressions(run(ctx), ids), ctx.uid);
      if (service) await options.events(ctx).publish((await clickedOf(ctx, ids)).map(adClickedEvent));
    },
    async beforeWrite(ctx, ids, vals) {
      if ('cost' in vals) await roundCost(ctx, vals, typeof vals.campaign_id === 'number' ? vals.campaign_id : ((await campaignsOfImpressions(run(ctx), ids.slice(0, 1)))[0] ?? null));
      const campaigns = 'cost' in vals || 'campaign_id' in vals ? await campaignsOfImpressions(run(ctx), ids) : [];
      let unclicked: number[] = [];
      if (service && vals.clicked) {
        const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM ad_impressions WHERE id = ANY($1::int4[]) AND clicked IS NOT TRUE', [ids]);
        unclicked = rows.map((r) => r.id);
      }
      before.set(ctx, { campaigns, unclicked });
    },
    async afterWrite(ctx, ids, vals) {
      const seen = before.get(ctx) ?? { campaigns: [], unclicked: [] };
      before.delete(ctx);
      if ('cost' in vals || 'campaign_id' in vals) {
        await recomputeSpent(run(ctx), [...new Set([...seen.campaigns, ...(await campaignsOfImpressions(run(ctx), ids))])], ctx.uid);
      }
      if (seen.unclicked.length) await options.events(ctx).publish((await clickedOf(ctx, seen.unclicked)).map(adClickedEvent));
    },
    async beforeUnlink(ctx, ids) {
      await recomputeSpent(run(ctx), await campaignsOfImpressions(run(ctx), ids), ctx.uid, ids);
    },
  };
}

/**
 * hp_ads's Python (M10, hp_ads/models/hp_ad_campaign.py) on the ORM engine, the same on both
 * sides of the cut: hp.ad.campaign's action_start / action_pause / action_done with the addon's
 * UserError texts (domain/ad-campaigns.ts, which REST runs too), the stored compute spent =
 * sum(impression costs) (domain/ad-spent.ts), and the impression hooks that keep it. The engine
 * refuses any change of hp.ad.impression unless something recomputes hp.ad.campaign.spent: this
 * registration is that something, over svc_ec after cutover and over the monolith's tables before.
 */
export function registerAdsBehaviours(behaviours: BehaviourRegistry, options: EcBehaviourOptions): BehaviourRegistry {
  const campaignMethods = Object.fromEntries(
    (Object.keys(CAMPAIGN_METHODS) as CampaignAction[]).map((action) => [
      CAMPAIGN_METHODS[action],
      recordsMethod(QUALNAMES[action], [], (ctx, model, ids) => runCampaignAction(rpcCampaignStore(ctx, behaviours, model), action, ids)),
    ]),
  );
  // spent depends on impression_ids.cost only; the engine's dependency table has '*' for it (any
  // write of the campaign), which would recompute spent on action_start and rewrite the seed's
  // campaigns, whose stored spent Odoo summed from unrounded costs. A campaign write that does not
  // touch impression_ids leaves spent alone, as Odoo does; a create computes it.
  const writesWithoutImpressions = new WeakSet<CallContext>();
  behaviours.register('hp.ad.campaign', {
    compute: {
      spent: async (ctx, ids) => {
        if (!writesWithoutImpressions.has(ctx)) await recomputeSpent(onQueryable(ctx.db), ids, ctx.uid);
      },
    },
    beforeWrite(ctx, _ids, vals) {
      if (!('impression_ids' in vals)) writesWithoutImpressions.add(ctx);
    },
    afterWrite(ctx) {
      writesWithoutImpressions.delete(ctx);
    },
    methods: campaignMethods,
  });
  behaviours.register('hp.ad.impression', impressionBehaviour(options));
  return behaviours;
}

/** The business methods hp_ads defines (EC_BUSINESS_METHODS' line). */
export const ADS_BUSINESS_METHODS = { 'hp.ad.campaign': ['action_start', 'action_pause', 'action_done'] } as const;
