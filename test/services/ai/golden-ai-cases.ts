import type { KnownDifferences, ModuleGolden } from '../../support/golden/module-golden.ts';

/** M16 (hp_ai) golden cases recorded from the real Odoo 18 by scripts/record-ai-golden.py. */
const AI_GOLDEN_FILE = 'fixtures/hp-legacy-golden-ai.jsonl';

/** The pristine block (category `ai`) and the sequences, each replayed from a fresh database. */
const AI_BLOCKS = ['pristine', 'seq_tasks', 'seq_insights'] as const;

/**
 * None: hp_ai has none of the holes SERVICES.md §6 lists (generation tasks and insights have their
 * record rules, members create tasks but write neither model), so ai answers every case as the
 * monolith did, in both phases.
 */
const AI_KNOWN_DIFFERENCES: KnownDifferences = {};

export const AI_GOLDEN: ModuleGolden = {
  label: 'M16',
  service: 'ai',
  modules: ['M16'],
  blocks: AI_BLOCKS.map((block) => ({ file: AI_GOLDEN_FILE, block })),
  counts: { ai: 64, seq_tasks: 62, seq_insights: 39 },
  knownInLegacy: AI_KNOWN_DIFFERENCES,
  knownAfterCutover: AI_KNOWN_DIFFERENCES,
  show: 200,
};
