import type { EventSink, NewEvent } from '../../kit/index.ts';

/** The events M10's use cases publish (schemas/events/ad_clicked.json holds the contract). */
export type AdEventType = 'ad_clicked';

/** Where M10's events go (the kit's EventSink): svc_ec's outbox, or nowhere on the legacy side (Odoo published nothing). */
export type AdEventSink = EventSink<AdEventType>;

/** A clicked impression, as the event tells it. */
export interface ClickedImpression {
  impressionId: number;
  campaignId: number;
  userId: number | null;
  /** The impression's cost as numeric text ("0.03"). */
  cost: string | null;
  /** The currency's ISO code (res_currency.name). */
  currency: string | null;
}

/** The company currency (res_currency 6, CNY) when an impression names none. */
const COMPANY_CURRENCY = 'CNY';

/**
 * ad_clicked for one impression turning clicked: once per impression (the callers publish only
 * for rows their guarded write moved from not clicked to clicked), keyed by the campaign so a
 * campaign's clicks keep their order on the bus.
 */
export function adClickedEvent(click: ClickedImpression): NewEvent<'ad_clicked'> {
  return {
    type: 'ad_clicked',
    subject: `hp.ad.campaign/${click.campaignId}`,
    data: {
      campaignId: click.campaignId,
      impressionId: click.impressionId,
      userId: click.userId,
      cost: click.cost ?? '0',
      currency: click.currency ?? COMPANY_CURRENCY,
    },
  };
}
