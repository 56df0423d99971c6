import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { startFinanceCutoverStack } from './support/finance-cutover-stack.ts';
import { FINANCE_GOLDEN_CASES } from './support/finance-golden.ts';

/**
 * The monolith's recorded answers for M13–M15 replayed against a gateway whose M13, M14 and M15
 * have been cut over to finance: hp.payment, hp.settlement, hp.points.transaction, hp.gift and
 * hp.gift.order are then served from svc_finance, while res.users (points_balance), service
 * orders and mall orders stay the monolith's. Everything that runs the M13–M15 syncs takes the
 * finance lock, one stack at a time.
 */
describeGoldenAfterCutover(FINANCE_GOLDEN_CASES, {
  start: async () => {
    const finance = await startFinanceCutoverStack();
    return { gatewayUrl: finance.stack.gatewayUrl, phaseOf: (m) => finance.stack.runtime.book.get(m).phase, stop: () => finance.stop() };
  },
  timeoutMs: 240_000,
});
