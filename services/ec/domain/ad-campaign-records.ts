import type { RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { AdCampaignState } from '../db/tables.ts';
import type { CampaignAction, CampaignFacts } from './ad-campaigns.ts';
import { CAMPAIGN_TRANSITIONS } from './ad-campaigns.ts';
import { AdsRefused } from './ad-refusal.ts';

/**
 * hp.ad.campaign's rows as the rules and REST read and write them, on whichever database holds
 * M10 now (svc_ec or the monolith: same table, same columns). No access checks here: the caller's
 * store did them. Money is numeric text, never a float.
 */

/** A campaign as REST shows it. */
export interface CampaignResource {
  id: number;
  name: string;
  advertiserId: number | null;
  state: AdCampaignState;
  /** The currency's ISO code. */
  currency: string | null;
  budget: string;
  /** Sum of the costs of the campaign's impressions (the stored compute). */
  spent: string;
  /** budget − spent: what impressions may still cost (negative only for legacy rows that overspent). */
  remaining: string;
  bidCpm: number | null;
  startDate: string | null;
  endDate: string | null;
  targetTags: string[];
  createdAt: string | null;
  updatedAt: string | null;
}

interface CampaignRow {
  id: number; name: string; advertiser_id: number | null; state: AdCampaignState; currency: string | null; budget: string; spent: string; remaining: string;
  bid_cpm: number | null; start_date: string | null; end_date: string | null; target_tags: string | null; created_at: string | null; updated_at: string | null;
}

const utc = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
// Money at the currency's decimal places ("5000.00"), as Odoo writes a Monetary, whatever scale the column's copy kept.
const money = (expression: string) => `round(${expression}, COALESCE(c.decimal_places, 2))::text`;
const COLUMNS = `a.id, a.name, a.advertiser_id, a.state, c.name AS currency, ${money('COALESCE(a.budget, 0)')} AS budget, ${money('COALESCE(a.spent, 0)')} AS spent,
  ${money('COALESCE(a.budget, 0) - COALESCE(a.spent, 0)')} AS remaining, a.bid_cpm, to_char(a.start_date, 'YYYY-MM-DD') AS start_date,
  to_char(a.end_date, 'YYYY-MM-DD') AS end_date, a.target_tags, ${utc('a.create_date')} AS created_at, ${utc('a.write_date')} AS updated_at`;
const FROM = 'ad_campaigns a LEFT JOIN res_currency c ON c.id = a.currency_id';

const resourceOf = (r: CampaignRow): CampaignResource => ({
  id: r.id, name: r.name, advertiserId: r.advertiser_id, state: r.state, currency: r.currency, budget: r.budget, spent: r.spent, remaining: r.remaining,
  bidCpm: r.bid_cpm, startDate: r.start_date, endDate: r.end_date,
  targetTags: (r.target_tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function readCampaignFacts(run: SqlRunner, ids: readonly number[]): Promise<Map<number, CampaignFacts>> {
  const rows = await run.raw<CampaignFacts>('SELECT id, state FROM ad_campaigns WHERE id = ANY($1::int4[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The write of an action, guarded: one UPDATE of the campaigns still in a state the action
 * allows. Odoo would retry a serialization failure and then find the campaign moved on, so one
 * another request moved in between is refused with the addon's text, nothing written.
 */
export async function writeCampaignState(run: SqlRunner, ids: readonly number[], action: CampaignAction, uid: number): Promise<void> {
  if (!ids.length) return;
  const transition = CAMPAIGN_TRANSITIONS[action];
  const changed = await run.raw<{ id: number }>(
    `UPDATE ad_campaigns SET state = $2, write_uid = $3, write_date = (now() at time zone 'UTC')
      WHERE id = ANY($1::int4[]) AND ($4::text[] IS NULL OR state = ANY($4::text[])) RETURNING id`,
    [[...ids], transition.to, uid, transition.allowed ? [...transition.allowed] : null],
  );
  if (changed.length !== ids.length) throw new AdsRefused('state', transition.refusal ?? `ad campaign ${ids.find((id) => !changed.some((c) => c.id === id))} does not exist`);
}

export async function readCampaignResource(run: SqlRunner, id: number): Promise<CampaignResource | undefined> {
  const [row] = await run.raw<CampaignRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1`, [id]);
  return row && resourceOf(row);
}

export interface CampaignFilter {
  state?: AdCampaignState;
  advertiserId?: number;
  limit: number;
  offset: number;
  /** The caller's read rules over alias `a`, placeholders after the filter's two (the kit's rulesSql). */
  visible?: RulesSql;
}

/** A page of campaigns in hp.ad.campaign's `_order` (start_date desc, id desc; NULLs first on desc, as Odoo's SQL leaves them). */
export async function listCampaignResources(run: SqlRunner, filter: CampaignFilter): Promise<{ items: CampaignResource[]; total: number; limit: number; offset: number }> {
  const rules = filter.visible ? ` AND (${filter.visible.sql})` : '';
  const where = `($1::varchar IS NULL OR a.state = $1) AND ($2::int4 IS NULL OR a.advertiser_id = $2)${rules}`;
  const values = [filter.state ?? null, filter.advertiserId ?? null, ...(filter.visible?.parameters ?? [])];
  const [rows, count] = await Promise.all([
    run.raw<CampaignRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY a.start_date DESC, a.id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [...values, filter.limit, filter.offset]),
    run.raw<{ n: number }>(`SELECT count(*)::int AS n FROM ad_campaigns a WHERE ${where}`, values),
  ]);
  return { items: rows.map(resourceOf), total: count[0]!.n, limit: filter.limit, offset: filter.offset };
}
