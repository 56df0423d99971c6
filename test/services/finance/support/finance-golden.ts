import type { GoldenBlock, KnownDifferences, ModuleGolden } from '../../../support/golden/module-golden.ts';

/** The M13–M15 (hp_payment, hp_points, hp_gift) golden cases, recorded from the real Odoo 18 by scripts/record-finance-golden.py. */
const FINANCE_GOLDEN = 'fixtures/hp-legacy-golden-finance.jsonl';

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
const FINANCE_GOLDEN_COUNTS: Record<string, number> = { finance: 75, seq_payments: 44, seq_settlements: 30, seq_points: 34, seq_gifts: 36 };

/** The pristine block and the sequences of the finance file, each replayed from a fresh database. */
const FINANCE_BLOCKS = ['pristine', 'seq_payments', 'seq_settlements', 'seq_points', 'seq_gifts'] as const;

/**
 * The cases of fixtures/hp-legacy-golden.jsonl that read or write M13/M14 (category `ledger`, and
 * the sequences whose payment pays an order and whose completed order awards points): after the
 * cutover to finance they must still answer as recorded (issue 21, bar 1: "the hp_payment
 * sequences included").
 */
const LEGACY_GOLDEN = 'fixtures/hp-legacy-golden.jsonl';
const LEGACY_FINANCE_BLOCKS = ['ledger', 'seq_lifecycle', 'seq_errors'] as const;

/**
 * Cases the gateway's embedded engine answers differently in phase legacy after a real attempt
 * to match them, with the reason. Each must still differ (the replay tests fail when one starts
 * matching, so the list stays true).
 */
const GIFT_IN_ANOTHERS_NAME =
  "hp.gift.order has no record rule in the monolith, so a member may create a gift order with another member as sender_id and Odoo debits that member's points. Finance closes the hole on every protocol and on both sides of the cut (SERVICES.md §6, MIGRATION.md M15): the sender must be the caller (operators and admins excepted), so member001 gets an AccessError here where Odoo created gift order 318.";
const GIFT_IN_ANOTHERS_NAME_BALANCE = "Consequence of seq_gifts#35: member002's points were not debited, its balance stays 1258 instead of 1238.";

/** The same in both phases: the embedded engine runs finance's gift-order behaviour over the legacy database too (SERVICES.md §2), sender rule included. */
const FINANCE_KNOWN_DIFFERENCES: KnownDifferences = {
  'seq_gifts#35': { why: GIFT_IN_ANOTHERS_NAME, answer: '"name": "odoo.exceptions.AccessError"' },
  'seq_gifts#36': { why: GIFT_IN_ANOTHERS_NAME_BALANCE, answer: '1258' },
};

/** What both replay tests run: the finance file whole, and the M13/M14 parts of the older file. */
const FINANCE_REPLAY_BLOCKS: readonly GoldenBlock[] = [
  ...FINANCE_BLOCKS.map((block) => ({ file: FINANCE_GOLDEN, block })),
  ...LEGACY_FINANCE_BLOCKS.map((block) => ({ file: LEGACY_GOLDEN, block })),
];

/** The categories the replay must hold, with their sizes (the ledger/seq_* ones of the older file as recorded there). */
const REPLAY_COUNTS: Record<string, number> = { ...FINANCE_GOLDEN_COUNTS, ledger: 10, seq_lifecycle: 39, seq_errors: 41 };

/** M13–M15 as the monolith answered them, and the one hole finance closes (a gift in another member's name). */
export const FINANCE_GOLDEN_CASES: ModuleGolden = {
  label: 'M13–M15',
  service: 'finance',
  modules: ['M13', 'M14', 'M15'],
  blocks: FINANCE_REPLAY_BLOCKS,
  counts: REPLAY_COUNTS,
  knownInLegacy: FINANCE_KNOWN_DIFFERENCES,
  knownAfterCutover: FINANCE_KNOWN_DIFFERENCES,
  show: 60,
};
