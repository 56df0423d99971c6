import { boolArray, intArray, numericArray, textArray } from '../db/array-literals.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { AdCampaignState } from '../db/tables.ts';
import type { ClickedImpression } from './ad-events.ts';

/**
 * ad_campaigns and ad_impressions as the impression path reads and writes them, on whichever
 * database holds M10 now (svc_ec or the monolith: same tables, same columns). Set-based: one
 * statement per step for the whole batch, whatever its size.
 */

/** A campaign as pacing needs it. */
export interface LockedCampaign {
  id: number;
  state: AdCampaignState;
  budget: string | null;
  spent: string | null;
  currencyId: number;
  /** res_currency.name (ISO code), rounding (numeric text) and decimal places. */
  currency: string;
  rounding: string;
  decimalPlaces: number;
  /** bid_cpm / 1000 as numeric text (not rounded yet), or null without a bid. */
  bidCost: string | null;
}

/**
 * Reads what pacing needs of the campaigns. With `lock`, takes their row locks, in id order (two
 * batches never wait on each other in a cycle), held until the caller's transaction ends; a
 * campaign locked by another batch is read once that batch committed, with the spent it left.
 * FOR NO KEY UPDATE, the lock an UPDATE of spent takes anyway: it does not conflict with the KEY
 * SHARE locks that inserting impressions takes on the monolith (ad_impressions.campaign_id has a
 * foreign key there), so batches that inserted before locking never deadlock on each other.
 * Without `lock`, the campaigns as they are now (to price and insert impressions before locking).
 */
export async function readCampaigns(rows: SqlRunner, ids: readonly number[], options: { lock: boolean }): Promise<Map<number, LockedCampaign>> {
  if (!ids.length) return new Map();
  const found = await rows.raw<{ id: number; state: AdCampaignState; budget: string | null; spent: string | null; currency_id: number; currency: string; rounding: string; decimal_places: number; bid_cost: string | null }>(
    `SELECT a.id, a.state, a.budget::text AS budget, a.spent::text AS spent, a.currency_id, c.name AS currency, c.rounding::text AS rounding,
            c.decimal_places, (a.bid_cpm::numeric / 1000)::text AS bid_cost
       FROM ad_campaigns a JOIN res_currency c ON c.id = a.currency_id
      WHERE a.id = ANY($1::int4[]) ORDER BY a.id${options.lock ? ' FOR NO KEY UPDATE OF a' : ''}`,
    [[...ids]],
  );
  return new Map(found.map((r) => [r.id, { id: r.id, state: r.state, budget: r.budget, spent: r.spent, currencyId: r.currency_id, currency: r.currency, rounding: r.rounding, decimalPlaces: r.decimal_places, bidCost: r.bid_cost }]));
}

/** Ids for new impressions from ad_impressions' own sequence, so the ledger can name them before they are inserted. */
export async function drawImpressionIds(rows: SqlRunner, count: number): Promise<number[]> {
  if (!count) return [];
  // One row holding the ids as an array, not a row per id. The sequence is looked up once
  // (MATERIALIZED): inlined, pg_get_serial_sequence ran its catalog lookup for every id drawn,
  // ~4 µs of PostgreSQL CPU per impression.
  const [drawn] = await rows.raw<{ ids: number[] }>(
    `WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('ad_impressions', 'id')::regclass AS seq)
     SELECT array_agg(nextval(s.seq)::int4) AS ids FROM s, generate_series(1, $1::int4)`,
    [count],
  );
  return drawn!.ids;
}

/** The users among `ids` that exist (user_id is a many2one to res.users). */
export async function existingUsers(rows: SqlRunner, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const found = await rows.raw<{ id: number }>('SELECT id FROM res_users WHERE id = ANY($1::int4[])', [[...ids]]);
  return new Set(found.map((r) => r.id));
}

/**
 * Adds each campaign's admitted costs to its spent, as hp.ad.campaign's stored compute would
 * (write_uid, write_date: Odoo's recompute writes them too), guarded by the budget: under the row
 * lock the guard always holds, and a row it would not update means the lock was not held, which
 * is a defect, never a silent overspend.
 */
export async function addToSpent(rows: SqlRunner, additions: ReadonlyMap<number, string>, uid: number): Promise<void> {
  if (!additions.size) return;
  const ids = [...additions.keys()];
  const updated = await rows.raw<{ id: number }>(
    `UPDATE ad_campaigns a SET spent = COALESCE(a.spent, 0) + d.added, write_uid = $3, write_date = (now() at time zone 'UTC')
       FROM unnest($1::int4[], $2::numeric[]) AS d(id, added)
      WHERE a.id = d.id AND COALESCE(a.spent, 0) + d.added <= COALESCE(a.budget, 0)
      RETURNING a.id`,
    [ids, ids.map((id) => additions.get(id)!), uid],
  );
  if (updated.length !== ids.length) throw new Error('ad campaign spent moved under its row lock: the batch is abandoned');
}

/** A campaign's share of a batch, priced against the campaign as read before its lock. */
export interface CampaignShare {
  campaignId: number;
  /** The sum of the share's costs (numeric text). */
  added: string;
  /** What the costs were priced with: the currency and bid_cpm / 1000 (numeric text) read then. */
  currencyId: number;
  bidCost: string | null;
}

/**
 * Pacing's common case in one statement: each campaign whose whole share fits (running, priced as
 * read, spent below the budget and spent + share within it) takes it at once, as the greedy
 * admission under the lock would admit every impression of the share in that case. The campaigns'
 * rows are locked first, in id order (the CTE; the UPDATE only touches rows it locked), so this
 * never deadlocks with another batch or with the locked path; the UPDATE re-checks its conditions
 * on the row as the lock found it. Answers the campaigns that took their share; the others
 * (near their budget, paused, re-priced, gone) stay locked for the caller's exact admission.
 */
export async function addWholeSharesThatFit(rows: SqlRunner, shares: readonly CampaignShare[], uid: number): Promise<Set<number>> {
  if (!shares.length) return new Set();
  const ordered = [...shares].sort((a, b) => a.campaignId - b.campaignId);
  const [row] = await rows.raw<{ ids: number[] | null }>(
    `WITH locked AS MATERIALIZED (
       SELECT a.id FROM ad_campaigns a WHERE a.id = ANY($1::int4[]) ORDER BY a.id FOR NO KEY UPDATE OF a),
     taken AS (
       UPDATE ad_campaigns a SET spent = COALESCE(a.spent, 0) + d.added, write_uid = $5, write_date = (now() at time zone 'UTC')
         FROM unnest($1::int4[], $2::numeric[], $3::int4[], $4::numeric[]) AS d(id, added, currency_id, bid_cost), locked l
        WHERE l.id = d.id AND a.id = d.id AND a.state = 'running' AND a.currency_id = d.currency_id
          AND (a.bid_cpm::numeric / 1000) IS NOT DISTINCT FROM d.bid_cost
          AND COALESCE(a.spent, 0) < COALESCE(a.budget, 0) AND COALESCE(a.spent, 0) + d.added <= COALESCE(a.budget, 0)
        RETURNING a.id)
     SELECT array_agg(id) AS ids FROM taken`,
    [
      intArray(ordered.map((s) => s.campaignId)), numericArray(ordered.map((s) => s.added)), intArray(ordered.map((s) => s.currencyId)),
      textArray(ordered.map((s) => s.bidCost)), uid,
    ],
  );
  return new Set(row?.ids ?? []);
}

export interface NewImpression {
  id: number;
  campaignId: number;
  userId: number | null;
  currencyId: number;
  cost: string;
  clicked: boolean;
  /** Odoo's naive UTC timestamp text, or null for now (the field's default, to the second). */
  shownAt: string | null;
}

/** One INSERT for the batch's admitted impressions, with the audit columns of `uid`. */
export async function insertImpressions(rows: SqlRunner, impressions: readonly NewImpression[], uid: number): Promise<void> {
  if (!impressions.length) return;
  await rows.raw(
    `INSERT INTO ad_impressions (id, campaign_id, user_id, currency_id, cost, clicked, shown_at, create_uid, write_uid, create_date, write_date)
     SELECT t.id, t.campaign_id, t.user_id, t.currency_id, t.cost, t.clicked, COALESCE(t.shown_at, date_trunc('second', now() at time zone 'UTC')),
            $8, $8, (now() at time zone 'UTC'), (now() at time zone 'UTC')
       FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::numeric[], $6::bool[], $7::timestamp[]) AS t(id, campaign_id, user_id, currency_id, cost, clicked, shown_at)`,
    [
      intArray(impressions.map((i) => i.id)), intArray(impressions.map((i) => i.campaignId)), intArray(impressions.map((i) => i.userId)), intArray(impressions.map((i) => i.currencyId)),
      numericArray(impressions.map((i) => i.cost)), boolArray(impressions.map((i) => i.clicked)), textArray(impressions.map((i) => i.shownAt)), uid,
    ],
  );
}

/**
 * Marks impressions clicked, each once: only rows not clicked yet move (a repeated click finds the
 * row clicked and is answered as a duplicate). Answers the impressions that moved, for ad_clicked.
 */
export async function markClicked(rows: SqlRunner, impressionIds: readonly number[], uid: number): Promise<ClickedImpression[]> {
  if (!impressionIds.length) return [];
  const moved = await rows.raw<{ id: number; campaign_id: number; user_id: number | null; cost: string | null; currency: string | null }>(
    `UPDATE ad_impressions i SET clicked = true, write_uid = $2, write_date = (now() at time zone 'UTC')
      WHERE i.id = ANY($1::int4[]) AND i.clicked IS NOT TRUE
      RETURNING i.id, i.campaign_id, i.user_id, i.cost::text AS cost, (SELECT c.name FROM res_currency c WHERE c.id = i.currency_id) AS currency`,
    [[...impressionIds], uid],
  );
  return moved.map((r) => ({ impressionId: r.id, campaignId: r.campaign_id, userId: r.user_id, cost: r.cost, currency: r.currency }));
}

/** Takes back impressions this transaction inserted before its admission refused them. */
export async function withdrawImpressions(rows: SqlRunner, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await rows.raw('DELETE FROM ad_impressions WHERE id = ANY($1::int4[])', [intArray(ids)]);
}

/** Re-prices impressions this transaction inserted when their campaign's bid or currency changed before its lock was taken. */
export async function repriceImpressions(rows: SqlRunner, impressions: readonly Pick<NewImpression, 'id' | 'cost' | 'currencyId'>[]): Promise<void> {
  if (!impressions.length) return;
  await rows.raw(
    'UPDATE ad_impressions i SET cost = t.cost, currency_id = t.currency_id FROM unnest($1::int4[], $2::numeric[], $3::int4[]) AS t(id, cost, currency_id) WHERE i.id = t.id',
    [intArray(impressions.map((i) => i.id)), numericArray(impressions.map((i) => i.cost)), intArray(impressions.map((i) => i.currencyId))],
  );
}

/** The impressions among `ids` that still exist. */
export async function existingImpressions(rows: SqlRunner, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const found = await rows.raw<{ id: number }>('SELECT id FROM ad_impressions WHERE id = ANY($1::int4[])', [[...ids]]);
  return new Set(found.map((r) => r.id));
}
