import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { BIZ_GOLDEN } from './golden-biz-cases.ts';
import { startBizCutoverStack } from './golden-biz-cutover-stack.ts';

/**
 * The monolith's recorded answers for M03, M07 and M08 (fixtures/hp-legacy-golden-biz.jsonl)
 * replayed against a gateway whose M03, M07 and M08 have been cut over to biz: hp.biz.dashboard,
 * hp.live.stream, hp.community.group and hp.community.member are then served from svc_biz, while
 * res.users stays the monolith's. The stacks run the modules' syncs, so they hold the biz lock
 * one at a time.
 */
describeGoldenAfterCutover(BIZ_GOLDEN, {
  start: async () => {
    const biz = await startBizCutoverStack();
    return { gatewayUrl: biz.stack.gatewayUrl, phaseOf: (m) => biz.stack.runtime.book.get(m).phase, stop: () => biz.stop() };
  },
});
