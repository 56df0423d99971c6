import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { OPS_GOLDEN } from './golden-ops-cases.ts';

/**
 * M05, M17 and M18 as the monolith answered them (fixtures/hp-legacy-golden-ops.jsonl, recorded
 * from a real Odoo 18 by scripts/record-ops-golden.py), replayed over HTTP by the judging replayer
 * against a gateway whose modules are all still in phase legacy and that has no upstream Odoo:
 * the gateway's own engine answers over the legacy database, with ops's legacy behaviours
 * (coach_rating_avg kept by rating writes, action_revoke, action_schedule/done/cancel,
 * action_mark_read, the risk condition's check, action_scan and the alerts' actions).
 */
describeGoldenInLegacy(OPS_GOLDEN);
