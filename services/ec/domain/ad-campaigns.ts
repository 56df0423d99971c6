import type { AdCampaignState } from '../db/tables.ts';
import { AdsRefused } from './ad-refusal.ts';

/**
 * hp.ad.campaign's state machine (hp_ads/models/hp_ad_campaign.py): action_start (draft or
 * paused → running), action_pause (running → paused), action_done (anything → done, no check).
 * One implementation for every client: the Odoo face on either side of the cut
 * (odoo/ads-behaviour.ts) and REST (routes/ad-campaigns.ts) run runCampaignAction over their own
 * CampaignStore, which checks access the way its protocol does.
 */

/** `self.env._("Only draft or paused campaigns can run.")` */
export const ONLY_DRAFT_OR_PAUSED_RUN = 'Only draft or paused campaigns can run.';
/** `self.env._("Only running campaigns can be paused.")` */
export const ONLY_RUNNING_PAUSED = 'Only running campaigns can be paused.';

export type CampaignAction = 'start' | 'pause' | 'done';

export interface CampaignTransition {
  /** The states every campaign of `self` must be in; null: any (action_done checks nothing). */
  allowed: readonly AdCampaignState[] | null;
  to: AdCampaignState;
  refusal: string | null;
}

export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignAction, CampaignTransition>> = {
  start: { allowed: ['draft', 'paused'], to: 'running', refusal: ONLY_DRAFT_OR_PAUSED_RUN },
  pause: { allowed: ['running'], to: 'paused', refusal: ONLY_RUNNING_PAUSED },
  done: { allowed: null, to: 'done', refusal: null },
};

/** The Odoo method of each action (the business methods the ec face provides for hp.ad.campaign). */
export const CAMPAIGN_METHODS: Readonly<Record<CampaignAction, string>> = {
  start: 'action_start',
  pause: 'action_pause',
  done: 'action_done',
};

export interface CampaignFacts {
  id: number;
  state: AdCampaignState;
}

/**
 * Where an action reads `self` and writes, with the caller's checks: `read` is Python's first read
 * of `self` (read ACL and rules, missing ids), `write` is `self.write({'state': to})` (write ACL
 * and rules). action_done reads nothing in Python, so it only writes (the write meets missing ids
 * and the rules).
 */
export interface CampaignStore {
  read(ids: readonly number[]): Promise<Map<number, CampaignFacts>>;
  write(ids: readonly number[], transition: { action: CampaignAction; to: AdCampaignState; from: readonly AdCampaignState[] | null }): Promise<void>;
}

/**
 * `any(c.state not in … for c in self)` refuses the whole recordset with the addon's text when
 * one campaign is in the wrong state (nothing written); otherwise one write of the new state to
 * every campaign (each once). Returns True, as the methods do.
 */
export async function runCampaignAction(store: CampaignStore, action: CampaignAction, ids: readonly number[]): Promise<true> {
  const transition = CAMPAIGN_TRANSITIONS[action];
  const unique = [...new Set(ids)];
  if (transition.allowed) {
    const campaigns = await store.read(unique);
    if (unique.some((id) => !transition.allowed!.includes(campaigns.get(id)!.state))) throw new AdsRefused('state', transition.refusal!);
  }
  await store.write(unique, { action, to: transition.to, from: transition.allowed });
  return true;
}
