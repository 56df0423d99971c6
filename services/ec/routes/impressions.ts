import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { busEventSink, defineRoute } from '../../kit/index.ts';
import { adsHome } from '../db/ec-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { EcDatabase } from '../db/tables.ts';
import type { AdEventType } from '../domain/ad-events.ts';
import { recordImpressionBatch, type ImpressionReport } from '../domain/impression-batches.ts';

export const IMPRESSION_MODEL = 'hp.ad.impression';

interface ImpressionItemBody {
  kind?: 'impression' | 'click';
  eventId: string;
  campaignId: number;
  userId?: number | null;
  shownAt?: string;
  clicked?: boolean;
  cost?: string;
}

const reportOf = (item: ImpressionItemBody): ImpressionReport => ({
  kind: item.kind ?? 'impression',
  eventId: item.eventId,
  campaignId: item.campaignId,
  userId: item.userId ?? null,
  shownAt: item.shownAt ? odooNow(new Date(item.shownAt)) : null,
  clicked: item.clicked === true,
  cost: item.cost ?? null,
});

/**
 * POST /ads/impressions: the ad server's high-rate path. Up to 1,000 impressions and clicks per
 * request, each impression recorded once per (campaign, eventId) however often it is sent, each
 * campaign's spent kept equal to the sum of its impressions' costs and never past its budget;
 * every item not recorded is reported by its position. Creating impressions is hp.ad.impression's
 * create right (administrators and the system: merchants and operators may only read them, a
 * member not even that: 403 with Odoo's AccessError text), clicks its write right. Runs where
 * M10's rows live now; the impression ledger is svc_ec's in both phases.
 */
export const recordImpressionsRoute = defineRoute<EcDatabase, { items: ImpressionItemBody[] }>({
  method: 'post',
  path: '/ads/impressions',
  summary: 'Record a batch of ad impressions and clicks (deduplicated by eventId, paced by each campaign\'s budget; administrators and the ad server\'s system user)',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ec/impression-batch.json',
  responses: { 200: 'rest/ec/impression-batch-result.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const items = ctx.body.items;
    await access.check(IMPRESSION_MODEL, 'create');
    if (items.some((item) => item.kind === 'click')) await access.check(IMPRESSION_MODEL, 'write');
    const outcome = await adsHome.writeIn(ctx, (rows, home) =>
      recordImpressionBatch(
        { rows: onKysely(rows), ledger: onKysely(ctx.db), events: busEventSink<AdEventType>(ctx), uid: access.uid, sameTransaction: home === 'service' && rows === ctx.db },
        items.map(reportOf),
      ),
    );
    const rejected = outcome.outcomes.flatMap((o, index) =>
      o.outcome === 'accepted' ? [] : [{ index, eventId: items[index]!.eventId, campaignId: items[index]!.campaignId, ...o }],
    );
    return { status: 200, body: { accepted: outcome.accepted, duplicates: outcome.duplicates, refused: outcome.refused, clicks: outcome.clicks, rejected } };
  },
});

export const IMPRESSION_ROUTES = [recordImpressionsRoute];
