import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { EC_GOLDEN } from './golden-ec-cases.ts';
import { startEcCutoverStack } from './golden-ec-cutover-stack.ts';

/**
 * The monolith's recorded answers for M09 and M10 (fixtures/hp-legacy-golden-ec.jsonl) replayed
 * against a gateway whose M09 and M10 have been cut over to ec: hp.mall.order, hp.mall.order.line,
 * hp.inventory, hp.ad.campaign and hp.ad.impression are then served from svc_ec, product.template
 * and product.product as ec's definition says (their clients see no difference either way), and
 * res.users stays the monolith's. The stacks run the modules' syncs, so they hold the ec lock one
 * at a time.
 */
describeGoldenAfterCutover(EC_GOLDEN, {
  start: async () => {
    const ec = await startEcCutoverStack();
    return { gatewayUrl: ec.stack.gatewayUrl, phaseOf: (m) => ec.stack.runtime.book.get(m).phase, stop: () => ec.stop() };
  },
});
