import type { Kysely } from 'kysely';
import { asProblems, checkRecords, defineRoute, problems, rulesSql, type AccessPort } from '../../kit/index.ts';
import { adsHome } from '../db/ec-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { AdCampaignState, EcDatabase } from '../db/tables.ts';
import { listCampaignResources, readCampaignFacts, readCampaignResource, writeCampaignState } from '../domain/ad-campaign-records.ts';
import { CAMPAIGN_METHODS, runCampaignAction, type CampaignAction, type CampaignStore } from '../domain/ad-campaigns.ts';

export const CAMPAIGN_MODEL = 'hp.ad.campaign';
const TABLE = 'ad_campaigns';
const LABEL = 'ad campaign';

interface CampaignQuery { state?: AdCampaignState; advertiser_id?: number; limit: number; offset: number }

/**
 * The domain's CampaignStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL and rules (404 for a campaign that does not exist or is
 * hidden), the write the write ACL and rules (403 with Odoo's AccessError text). The write is one
 * guarded UPDATE, so a concurrent move is refused, never overwritten (action_done reads nothing
 * first: its write alone meets a missing id, 404, and the write rules).
 */
function restCampaignStore(rows: Kysely<any>, access: AccessPort): CampaignStore {
  const run = onKysely(rows);
  return {
    async read(ids) {
      await checkRecords(access, rows, CAMPAIGN_MODEL, TABLE, 'read', ids, LABEL);
      return readCampaignFacts(run, ids);
    },
    async write(ids, transition) {
      await checkRecords(access, rows, CAMPAIGN_MODEL, TABLE, 'write', ids, LABEL);
      await writeCampaignState(run, ids, transition.action, access.uid);
    },
  };
}

/** GET /ad-campaigns: merchants, operators and administrators (members have no read ACL on hp.ad.campaign: 403), by state and advertiser, in hp.ad.campaign's order. */
export const listCampaignsRoute = defineRoute<EcDatabase, unknown, CampaignQuery>({
  method: 'get',
  path: '/ad-campaigns',
  summary: 'List ad campaigns with budget, spent and remaining, by state and advertiser, latest start first (merchants, operators, administrators)',
  auth: 'bearer',
  query: 'rest/ec/ad-campaign-query.json',
  responses: { 200: 'rest/ec/ad-campaign-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(CAMPAIGN_MODEL, 'read');
    const rows = await adsHome.readerNow(ctx);
    const page = await listCampaignResources(onKysely(rows), {
      visible: await rulesSql(access, rows, CAMPAIGN_MODEL, 'read', 'a', 2),
      ...(query.state ? { state: query.state } : {}), ...(query.advertiser_id ? { advertiserId: query.advertiser_id } : {}),
      limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: page };
  },
});

/** GET /ad-campaigns/{id}. */
export const getCampaignRoute = defineRoute<EcDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ad-campaigns/:id',
  summary: 'Read one ad campaign with its budget, spent and remaining (merchants, operators, administrators)',
  auth: 'bearer',
  params: 'rest/ec/ad-campaign-params.json',
  responses: { 200: 'rest/ec/ad-campaign.json' },
  async handler(ctx) {
    const rows = await adsHome.readerNow(ctx);
    await checkRecords(ctx.access!, rows, CAMPAIGN_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const campaign = await readCampaignResource(onKysely(rows), ctx.params.id);
    if (!campaign) throw problems.notFound(`${LABEL} ${ctx.params.id} does not exist`);
    return { status: 200, body: campaign };
  },
});

/** The actions over REST: the domain function the Odoo method runs, on M10's home, answered with the campaign. */
function actionRoute(action: CampaignAction, effect: string) {
  return defineRoute<EcDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/ad-campaigns/:id/${action}`,
    summary: `hp.ad.campaign.${CAMPAIGN_METHODS[action]}: ${effect} (merchants, operators, administrators)`,
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/ec/ad-campaign-params.json',
    responses: { 200: 'rest/ec/ad-campaign.json' },
    async handler(ctx) {
      const access = ctx.access!;
      return adsHome.writeIn(ctx, async (rows) => {
        await asProblems(runCampaignAction(restCampaignStore(rows, access), action, [ctx.params.id]));
        return { status: 200, body: (await readCampaignResource(onKysely(rows), ctx.params.id))! };
      });
    },
  });
}

/** POST /ad-campaigns/{id}/start: draft or paused → running ("Only draft or paused campaigns can run." 409 otherwise). */
export const startCampaignRoute = actionRoute('start', 'draft or paused → running; 409 with the addon\'s text otherwise');
/** POST /ad-campaigns/{id}/pause: running → paused ("Only running campaigns can be paused." 409 otherwise); a paused campaign is served no impressions. */
export const pauseCampaignRoute = actionRoute('pause', 'running → paused, no more impressions served; 409 with the addon\'s text otherwise');
/** POST /ad-campaigns/{id}/done: any state → done, as the addon (no check). */
export const doneCampaignRoute = actionRoute('done', 'any state → done');

export const AD_CAMPAIGN_ROUTES = [listCampaignsRoute, getCampaignRoute, startCampaignRoute, pauseCampaignRoute, doneCampaignRoute];
