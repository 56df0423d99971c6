import { describeGoldenInLegacy } from '../../support/golden/module-golden.ts';
import { AI_GOLDEN } from './golden-ai-cases.ts';

/**
 * M16 as the monolith answered it (fixtures/hp-legacy-golden-ai.jsonl, recorded from a real Odoo 18
 * by scripts/record-ai-golden.py), replayed over HTTP by the judging replayer against a gateway
 * whose modules are all still in phase legacy and that has no upstream Odoo: the gateway's own
 * engine answers over the legacy database, with ai's legacy behaviours (action_run/done/fail).
 */
describeGoldenInLegacy(AI_GOLDEN);
