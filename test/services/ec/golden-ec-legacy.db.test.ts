import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { EC_GOLDEN } from './golden-ec-cases.ts';

/**
 * M09 and M10 as the monolith answered them (fixtures/hp-legacy-golden-ec.jsonl, recorded from a
 * real Odoo 18 by scripts/record-ec-golden.py), replayed over HTTP by the judging replayer against
 * a gateway whose modules are all still in phase legacy and that has no upstream Odoo: the
 * gateway's own engine answers over the legacy database, with ec's legacy behaviours (the mall
 * order's sequence name, line prices from lst_price, amount_total, action_pay/ship/deliver/cancel,
 * the inventory's reserved <= quantity check, the campaigns' action_start/pause/done and spent).
 */
describeGoldenInLegacy(EC_GOLDEN);
