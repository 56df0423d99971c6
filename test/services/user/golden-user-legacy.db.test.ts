import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { USER_GOLDEN } from './support/golden-user.ts';

/**
 * M02 (hp_personal) as the monolith answered it (fixtures/hp-legacy-golden-user.jsonl, recorded
 * from a real Odoo 18 by scripts/record-user-golden.py, and the `personal` / `seq_goal` parts of
 * fixtures/hp-legacy-golden.jsonl), replayed over HTTP by the judging replayer against a gateway
 * whose M02 is still in phase legacy and that has no upstream Odoo: the gateway's own engine
 * answers over the legacy database, with the user service's legacy behaviours
 * (action_record_progress, the stored progress and risk_level).
 */
describeGoldenInLegacy(USER_GOLDEN);
