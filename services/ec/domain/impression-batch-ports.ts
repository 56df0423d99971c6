import type { SqlRunner } from '../db/sql-runner.ts';
import type { AdEventSink } from './ad-events.ts';

/**
 * What a batch of impressions carries and where it is recorded: shared by the batch's use case
 * (impression-batches.ts) and the key claims it makes (impression-claims.ts), in a file of their
 * own so neither of those imports the other.
 */

/** One item of a batch: an impression shown (possibly clicked already), or a click on an impression reported earlier. */
export interface ImpressionReport {
  kind: 'impression' | 'click';
  /** The client's id of the impression (a click names the impression it clicked). */
  eventId: string;
  campaignId: number;
  userId?: number | null;
  /** Odoo's naive UTC timestamp text; absent: now. */
  shownAt?: string | null;
  clicked?: boolean;
  /** The cost as a decimal; absent: the campaign's bid_cpm / 1000. Rounded to the currency as Odoo stores a Monetary. */
  cost?: string | null;
}

export interface BatchPorts {
  /** Where ad_campaigns and ad_impressions live now (svc_ec after M10's cutover, the monolith before). */
  rows: SqlRunner;
  /** svc_ec, which keeps the impression ledger in both phases. */
  ledger: SqlRunner;
  events: AdEventSink;
  uid: number;
  /**
   * `rows` and `ledger` are one transaction (svc_ec after M10's cutover): the claim, the removal
   * of duplicates and pacing's common case then run as one statement (impression-claim-and-take.ts).
   */
  sameTransaction?: boolean;
}
