import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { FINANCE_GOLDEN_CASES } from './support/finance-golden.ts';

/**
 * M13–M15 (hp_payment, hp_points, hp_gift) as the monolith answered them
 * (fixtures/hp-legacy-golden-finance.jsonl, recorded from a real Odoo 18 by
 * scripts/record-finance-golden.py, and the ledger / payment parts of
 * fixtures/hp-legacy-golden.jsonl), replayed over HTTP by the judging replayer against a gateway
 * whose M13, M14 and M15 are still in phase legacy and that has no upstream Odoo: the gateway's
 * own engine answers over the legacy database, business methods included (SERVICES.md §2).
 */
describeGoldenInLegacy(FINANCE_GOLDEN_CASES);
