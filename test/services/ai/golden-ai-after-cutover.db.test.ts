import { describeGoldenAfterCutover } from '../../support/golden/module-golden.ts';
import { AI_GOLDEN } from './golden-ai-cases.ts';
import { startAiCutoverStack } from './golden-ai-cutover-stack.ts';

/**
 * The monolith's recorded answers for M16 (fixtures/hp-legacy-golden-ai.jsonl) replayed against a
 * gateway whose M16 has been cut over to ai: hp.ai.model, hp.ai.generation.task and hp.ai.insight
 * are then served from svc_ai, while res.users stays the monolith's. The stacks run the module's
 * syncs, so they hold the ai lock one at a time.
 */
describeGoldenAfterCutover(AI_GOLDEN, {
  start: async () => {
    const ai = await startAiCutoverStack();
    return { gatewayUrl: ai.stack.gatewayUrl, phaseOf: (m) => ai.stack.runtime.book.get(m).phase, stop: () => ai.stop() };
  },
});
