import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { OPS_GOLDEN } from './golden-ops-cases.ts';
import { startOpsCutoverStack } from './golden-ops-cutover-stack.ts';

/**
 * The monolith's recorded answers for M05, M17 and M18 (fixtures/hp-legacy-golden-ops.jsonl)
 * replayed against a gateway whose M05, M17 and M18 have been cut over to ops: hp.rating,
 * hp.certification, hp.operation, hp.notification, hp.risk.rule, hp.risk.alert and hp.audit.log
 * are then served from svc_ops, while res.users (whose stored coach_rating_avg ops writes through
 * the monolith) and the models action_scan searches stay the monolith's. The stacks run the
 * modules' syncs, so they hold the ops lock one at a time.
 */
describeGoldenAfterCutover(OPS_GOLDEN, {
  start: async () => {
    const ops = await startOpsCutoverStack();
    return { gatewayUrl: ops.stack.gatewayUrl, phaseOf: (m) => ops.stack.runtime.book.get(m).phase, stop: () => ops.stop() };
  },
});
