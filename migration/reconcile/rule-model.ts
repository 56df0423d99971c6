import type { Queryable } from '../modules/queryable.ts';

/**
 * What a business rule is and what it reports. The rules themselves live in business-rules.ts
 * (the platform's general invariants) and finance-rules.ts (trade ↔ finance and the points
 * ledger); this file is what both, the rule runner and the repair planner share.
 */
export interface RuleBreach {
  /** Ids involved, per table. */
  ids: Record<string, number[]>;
  /** Plain words; ids, states and amounts only, never a health value (M02's rules name rows, not what they measure). */
  detail: string;
  /** The one write that mends this breach, when there is one a machine may make (`--repair` proposes it, `--apply` makes it). */
  repair?: BreachRepair;
  /** Why nothing is proposed for this breach (a person decides), when the rule knows. */
  noRepair?: string;
}

/**
 * A write that mends one breach, on the system of record of `table` (never on a copy: the sync
 * carries it over). Each is safe to run twice: it checks the breach still stands before writing.
 */
export type BreachRepair =
  | {
      /** The points award an order completion should have made (hp_points' `_hp_after_complete`). */
      kind: 'append-points';
      table: 'points_transactions';
      userId: number;
      delta: number;
      reason: 'order';
      refModel: 'hp.service.order';
      refId: number;
    }
  | {
      /** What `hp.payment.action_succeed` does to a pending service order once its payment succeeded. */
      kind: 'mark-order-paid';
      table: 'service_orders';
      orderId: number;
      paymentId: number;
    }
  | {
      /** A succeeded payment of the order's customer and amount that lost its link to the order. */
      kind: 'link-payment';
      table: 'payments';
      paymentId: number;
      orderId: number;
      /** The source_id the payment holds now (null, or an order that does not exist). */
      previousSourceId: number | null;
    }
  | {
      /** hp.health.goal's stored `progress` as `_compute_progress` gives it (user-rules.ts), while the goal is unchanged since the check. */
      kind: 'recompute-goal-progress';
      table: 'health_goals';
      goalId: number;
      progress: number;
      /** The goal's write_date when checked (text): a goal written since is left for the next check. */
      writeDate: string | null;
    }
  | {
      /** hp.assessment's stored `risk_level` from the row's own score (`_compute_risk_level`). */
      kind: 'recompute-risk-level';
      table: 'assessments';
      assessmentId: number;
    }
  | {
      /** What the monolith's foreign key (ondelete='set null') does when a device binding goes. */
      kind: 'unlink-missing-device';
      table: 'health_records';
      recordId: number;
      deviceBindingId: number;
    }
  | {
      /** hp.community.group's stored `member_count` from its members (biz-rules.ts), as Odoo's recompute writes it. */
      kind: 'recompute-member-count';
      table: 'community_groups';
      groupId: number;
    };

export type RuleSide = 'source' | 'target';
export type TableLocator = (table: string) => Queryable | undefined;

export interface BusinessRule {
  id: string;
  title: string;
  /** The rule in plain words, as printed in the report. */
  description: string;
  tables: string[];
  /** `per-side` rules run on the source and on the target; `across` rules compare the two. */
  scope: 'per-side' | 'across';
  check(sides: { [S in RuleSide]: TableLocator }, side: RuleSide): Promise<RuleBreach[]>;
}

/** States in which a service order has been paid and not given back (README: the order state machine). */
export const PAID_ORDER_STATES = ['paid', 'assigned', 'in_service', 'completed'] as const;

/** The database holding `table` on a side; the runner checked it is there before calling the rule. */
export const on = (locate: TableLocator, table: string): Queryable => {
  const db = locate(table);
  if (!db) throw new Error(`table ${table} is not available`);
  return db;
};

/** Decimal text without trailing zeros, so 199.00 and 199 compare equal. */
export function canonicalDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
