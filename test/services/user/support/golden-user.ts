import type { GoldenBlock } from '../../finance/support/finance-golden.ts';

export { blockFile, countsByCategory, printTable } from '../../finance/support/finance-golden.ts';
export type { GoldenBlock } from '../../finance/support/finance-golden.ts';

/** M02 (hp_personal) golden cases recorded from the real Odoo 18 by scripts/record-user-golden.py. */
export const USER_GOLDEN = 'fixtures/hp-legacy-golden-user.jsonl';

/** The pristine block (category `user`) and the sequences of the user file, each replayed from a fresh database. */
export const USER_BLOCKS = ['pristine', 'seq_records', 'seq_devices', 'seq_progress', 'seq_assessments'] as const;

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
export const USER_GOLDEN_COUNTS: Record<string, number> = { user: 97, seq_records: 39, seq_devices: 29, seq_progress: 70, seq_assessments: 37 };

/** The M02 cases of the older file: 20 pristine reads (category `personal`) and the goal sequence. */
export const LEGACY_GOLDEN = 'fixtures/hp-legacy-golden.jsonl';
export const LEGACY_USER_BLOCKS = ['personal', 'seq_goal'] as const;

/** What both replay tests run: the user file whole, and the M02 parts of the older file. */
export const USER_REPLAY_BLOCKS: readonly GoldenBlock[] = [
  ...USER_BLOCKS.map((block) => ({ file: USER_GOLDEN, block })),
  ...LEGACY_USER_BLOCKS.map((block) => ({ file: LEGACY_GOLDEN, block })),
];

/** The categories the replay must hold, with their sizes (the older file's as recorded there). */
export const USER_REPLAY_COUNTS: Record<string, number> = { ...USER_GOLDEN_COUNTS, personal: 20, seq_goal: 23 };

/**
 * Cases answered otherwise than the monolith after a real attempt to match them, with the
 * reason. Each must still differ (the replay tests fail when one starts matching, so the list
 * stays true).
 */
export const USER_KNOWN_DIFFERENCES_IN_LEGACY: Record<string, string> = {};

/** (Float sums whose last digit follows svc_user's plan are judged by support/golden-float-order.ts, not listed here.) */
export const USER_KNOWN_DIFFERENCES_AFTER_CUTOVER: Record<string, string> = {};
