import type { GoldenBlock, ModuleGolden } from '../../../support/golden/module-golden.ts';

/** M02 (hp_personal) golden cases recorded from the real Odoo 18 by scripts/record-user-golden.py. */
const USER_GOLDEN_FILE = 'fixtures/hp-legacy-golden-user.jsonl';

/** The pristine block (category `user`) and the sequences of the user file, each replayed from a fresh database. */
const USER_BLOCKS = ['pristine', 'seq_records', 'seq_devices', 'seq_progress', 'seq_assessments'] as const;

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
const USER_GOLDEN_COUNTS: Record<string, number> = { user: 97, seq_records: 39, seq_devices: 29, seq_progress: 70, seq_assessments: 37 };

/** The M02 cases of the older file: 20 pristine reads (category `personal`) and the goal sequence. */
const LEGACY_GOLDEN = 'fixtures/hp-legacy-golden.jsonl';
const LEGACY_USER_BLOCKS = ['personal', 'seq_goal'] as const;

/** What both replay tests run: the user file whole, and the M02 parts of the older file. */
const USER_REPLAY_BLOCKS: readonly GoldenBlock[] = [
  ...USER_BLOCKS.map((block) => ({ file: USER_GOLDEN_FILE, block })),
  ...LEGACY_USER_BLOCKS.map((block) => ({ file: LEGACY_GOLDEN, block })),
];

/** The categories the replay must hold, with their sizes (the older file's as recorded there). */
const USER_REPLAY_COUNTS: Record<string, number> = { ...USER_GOLDEN_COUNTS, personal: 20, seq_goal: 23 };

/**
 * M02 as the monolith answered it: no deliberate differences in either phase (float sums whose
 * last digit follows svc_user's plan are judged by support/golden-float-order.ts after cutover).
 */
export const USER_GOLDEN: ModuleGolden = {
  label: 'M02',
  service: 'user',
  modules: ['M02'],
  blocks: USER_REPLAY_BLOCKS,
  counts: USER_REPLAY_COUNTS,
  show: 40,
};
