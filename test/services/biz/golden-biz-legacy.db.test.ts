import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { BIZ_GOLDEN } from './golden-biz-cases.ts';

/**
 * M03, M07 and M08 as the monolith answered them (fixtures/hp-legacy-golden-biz.jsonl, recorded
 * from a real Odoo 18 by scripts/record-biz-golden.py), replayed over HTTP by the judging replayer
 * against a gateway whose modules are all still in phase legacy and that has no upstream Odoo:
 * the gateway's own engine answers over the legacy database, with biz's legacy behaviours
 * (action_go_live/action_end, action_leave/action_ban, member_count, and the host and membership
 * rules the monolith lacks, which answer with their new refusal).
 */
describeGoldenInLegacy(BIZ_GOLDEN);
