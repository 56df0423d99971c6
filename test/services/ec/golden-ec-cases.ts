import type { KnownDifferences, ModuleGolden } from '../../support/golden/module-golden.ts';

/** M09/M10 (hp_mall, hp_ads) golden cases recorded from the real Odoo 18 by scripts/record-ec-golden.py. */
const EC_GOLDEN_FILE = 'fixtures/hp-legacy-golden-ec.jsonl';

/** The pristine block (category `ec`) and the sequences, each replayed from a fresh database. */
const EC_BLOCKS = ['pristine', 'seq_mall', 'seq_inventory', 'seq_ads'] as const;

/**
 * No deliberate differences: Ficus answers over Odoo RPC as Odoo does, with the record rules in
 * the database. The monolith has no record rule on hp.mall.order.line, so seq_mall#76-#84 (a
 * member reading, changing, adding and deleting another member's order lines, and that order's
 * amount_total after it) match the monolith too; an operator closes that hole with an ir.rule in
 * Odoo, which Ficus honours on every path (isolation.property.db.test.ts plants one). Ec's own
 * REST routes show lines only through orders the caller may read.
 */
const EC_KNOWN_DIFFERENCES: KnownDifferences = {};

/**
 * M09 and M10 as the monolith answered them, in both phases.
 * Replayed pristine reads: 115; seq_mall 84 (the mall order's life, its errors, then the order-line hole);
 * seq_inventory 30; seq_ads 57.
 */
export const EC_GOLDEN: ModuleGolden = {
  label: 'M09/M10',
  service: 'ec',
  modules: ['M09', 'M10'],
  blocks: EC_BLOCKS.map((block) => ({ file: EC_GOLDEN_FILE, block })),
  counts: { ec: 115, seq_mall: 84, seq_inventory: 30, seq_ads: 57 },
  knownInLegacy: EC_KNOWN_DIFFERENCES,
  knownAfterCutover: EC_KNOWN_DIFFERENCES,
  show: 300,
};
