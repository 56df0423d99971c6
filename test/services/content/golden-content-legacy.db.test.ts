import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { CONTENT_GOLDEN } from './golden-content-cases.ts';

/**
 * M06, M11 and M12 as the monolith answered them (fixtures/hp-legacy-golden-content.jsonl,
 * recorded from a real Odoo 18 by scripts/record-content-golden.py), replayed over HTTP by the
 * judging replayer against a gateway whose modules are all still in phase legacy and that has no
 * upstream Odoo: the gateway's own engine answers over the legacy database, with content's legacy
 * behaviours (purchase amount and purchase_count, action_publish/unpublish, action_like/hide,
 * action_accept/vote/close) and its declared record rules, which close the monolith's holes
 * (the listed differences).
 */
describeGoldenInLegacy(CONTENT_GOLDEN);
