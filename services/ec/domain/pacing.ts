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
  const parsed: Decimal[] = costs.map((c) => parseDecimal(c));
  const scale = Math.max(...parsed.map((p) => p.scale), 0);
  const admission = admitUnits(purse, parsed.map((p) => atScale(p, scale)), scale);
  return { outcomes: admission.outcomes, added: admission.added, spentAfter: admission.spentAfter };
}

export interface UnitAdmission extends Admission {
  /** The sum of the admitted costs as an exact integer count of the admission's smallest unit (`added` is its text). */
  addedUnits: bigint;
}

/**
 * The same admission on costs already counted in integer units of 10^-`costScale` (an impression
 * path prices each campaign's costs at its currency's decimal places once, so a batch compares and
 * adds integers: no parsing or rescaling per impression). Budget and spent are brought to a scale
 * holding all three exactly; costs are rescaled only when the purse has more decimals than they.
 */
export function admitUnits(purse: CampaignPurse, costs: readonly bigint[], costScale: number): UnitAdmission {
  const budget = parseDecimal(purse.budget);
  const spent = parseDecimal(purse.spent);
  const scale = Math.max(budget.scale, spent.scale, costScale);
  const factor = 10n ** BigInt(scale - costScale);
  let remaining = atScale(budget, scale) - atScale(spent, scale);
  const exhausted = remaining <= 0n;
  let added = 0n;
  const outcomes: (true | PacingRefusal)[] = new Array(costs.length);
  for (let n = 0; n < costs.length; n += 1) {
    if (exhausted) {
      outcomes[n] = 'budget_exhausted';
      continue;
    }
    const units = factor === 1n ? costs[n]! : costs[n]! * factor;
    if (units < 0n) throw new RangeError('an impression cost is never negative');
    if (units > remaining) {
      outcomes[n] = 'over_budget';
      continue;
    }
    remaining -= units;
    added += units;
    outcomes[n] = true;
  }
  return { outcomes, added: formatDecimal(added, scale), spentAfter: formatDecimal(atScale(spent, scale) + added, scale), addedUnits: added };
}
