import type { KnownDifferences, ModuleGolden } from '../../support/golden/module-golden.ts';

/** M05/M17/M18 (hp_growth, hp_operations, hp_risk) golden cases recorded from the real Odoo 18 by scripts/record-ops-golden.py. */
const OPS_GOLDEN_FILE = 'fixtures/hp-legacy-golden-ops.jsonl';

/** The pristine block (category `ops`) and the sequences, each replayed from a fresh database. */
const OPS_BLOCKS = ['pristine', 'seq_growth', 'seq_operations', 'seq_risk'] as const;

/**
 * None: hp_growth, hp_operations and hp_risk have none of the holes SERVICES.md §6 lists
 * (notifications have their record rule; operations, risk rules, alerts and the audit log are
 * operators' and admins' only), so ops answers every case as the monolith did, in both phases.
 */
const OPS_KNOWN_DIFFERENCES: KnownDifferences = {};

export const OPS_GOLDEN: ModuleGolden = {
  label: 'M05/M17/M18',
  service: 'ops',
  modules: ['M05', 'M17', 'M18'],
  blocks: OPS_BLOCKS.map((block) => ({ file: OPS_GOLDEN_FILE, block })),
  counts: { ops: 135, seq_growth: 60, seq_operations: 72, seq_risk: 76 },
  knownInLegacy: OPS_KNOWN_DIFFERENCES,
  knownAfterCutover: OPS_KNOWN_DIFFERENCES,
  show: 400,
};
