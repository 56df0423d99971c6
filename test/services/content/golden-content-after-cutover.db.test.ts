import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { CONTENT_GOLDEN } from './golden-content-cases.ts';
import { startContentCutoverStack } from './golden-content-cutover-stack.ts';

/**
 * The monolith's recorded answers for M06, M11 and M12 (fixtures/hp-legacy-golden-content.jsonl)
 * replayed against a gateway whose M06, M11 and M12 have been cut over to content: the seven
 * models are then served from svc_content, res.users and M08's community groups stay the
 * monolith's. The stacks run the modules' syncs, so they hold the content lock one at a time.
 */
describeGoldenAfterCutover(CONTENT_GOLDEN, {
  start: async () => {
    const content = await startContentCutoverStack();
    return { gatewayUrl: content.stack.gatewayUrl, phaseOf: (m) => content.stack.runtime.book.get(m).phase, stop: () => content.stop() };
  },
});
