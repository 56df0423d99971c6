import { atScale, formatDecimal, parseDecimal, type Decimal } from './pacing-decimal.ts';

/**
 * Pacing: which impressions of a batch a campaign can still pay for. A campaign never spends past
 * its budget: an impression is admitted when the campaign's spent plus its cost stays within the
 * budget, in the batch's order, each admitted one counting against the next (a cheaper impression
 * after a refused dearer one may still fit). A campaign whose spent has reached its budget is not
 * served at all. Everything is exact (pacing-decimal.ts); the caller holds the campaign's row
 * lock from reading `spent` until its transaction commits, so no other batch admits against the
 * same remainder.
 */

/** Why an impression was not admitted. */
export type PacingRefusal = 'budget_exhausted' | 'over_budget';

export interface CampaignPurse {
  /** The legacy numeric texts (null: Odoo's empty Monetary, 0). */
  budget: string | null;
  spent: string | null;
}

export interface Admission {
  /** Per cost, in order: true when admitted, else why not. */
  outcomes: (true | PacingRefusal)[];
  /** The sum of the admitted costs, as numeric text. */
  added: string;
  /** spent + added, as numeric text. */
  spentAfter: string;
}

/**
 * Admits `costs` (numeric texts, each ≥ 0) against the purse, greedily in order. A purse with
 * nothing left (spent ≥ budget) refuses everything as `budget_exhausted`; otherwise a cost that
 * would take spent past the budget is `over_budget` and the next one is tried.
 */
export function admitImpressions(purse: CampaignPurse, costs: readonly string[]): Admission {
  const budget = parseDecimal(purse.budget);
  const spent = parseDecimal(purse.spent);
  const parsed: Decimal[] = costs.map((c) => parseDecimal(c));
  const scale = Math.max(budget.scale, spent.scale, ...parsed.map((p) => p.scale));
  let remaining = atScale(budget, scale) - atScale(spent, scale);
  const exhausted = remaining <= 0n;
  let added = 0n;
  const outcomes = parsed.map((cost): true | PacingRefusal => {
    if (exhausted) return 'budget_exhausted';
    const units = atScale(cost, scale);
    if (units < 0n) throw new RangeError('an impression cost is never negative');
    if (units > remaining) return 'over_budget';
    remaining -= units;
    added += units;
    return true;
  });
  return { outcomes, added: formatDecimal(added, scale), spentAfter: formatDecimal(atScale(spent, scale) + added, scale) };
}
