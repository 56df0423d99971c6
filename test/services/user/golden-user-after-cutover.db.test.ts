import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { equalUpToFloatOrder, goldenCases, isResendableReadGroup } from './support/golden-float-order.ts';
import { USER_GOLDEN } from './support/golden-user.ts';
import { startUserCutoverStack } from './support/user-core-sides.ts';

/**
 * The monolith's recorded answers for M02 replayed against a gateway whose M02 has been cut over
 * to the user service: hp.health.record, hp.device.binding, hp.health.goal and hp.assessment are
 * then served from svc_user, while res.users stays the monolith's. A pristine read_group whose
 * float sums differ only in their last digits (svc_user's plan adds in another order) is judged by
 * support/golden-float-order.ts.
 */
const CASES = goldenCases([...new Set(USER_GOLDEN.blocks.map((b) => b.file))]);

describeGoldenAfterCutover(USER_GOLDEN, {
  start: async () => {
    const user = await startUserCutoverStack();
    return { gatewayUrl: user.stack.gatewayUrl, phaseOf: (m) => user.stack.runtime.book.get(m).phase, stop: () => user.stop() };
  },
  equivalent: async (outcome, gatewayUrl) => {
    const recorded = CASES.get(outcome.id);
    return Boolean(recorded && isResendableReadGroup(recorded) && (await equalUpToFloatOrder(gatewayUrl, recorded)));
  },
  timeoutMs: 240_000,
});
