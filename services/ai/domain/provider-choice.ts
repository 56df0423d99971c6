import { LocalProvider } from './provider-local.ts';
import { OpenAiCompatibleProvider, type OpenAiSettings } from './provider-openai.ts';
import { ProviderFailure, type AiProvider } from './provider.ts';

/**
 * Which provider serves an hp.ai.model, by its `provider` column (a free Char in hp_ai; the seed
 * holds 'in-house', 'Qwen' and 'DeepSeek'):
 * - empty, 'in-house' or 'local': the local provider (templates and statistics; nothing leaves
 *   the process). The platform's own models were in-house.
 * - any other name (a vendor: 'Qwen', 'DeepSeek', 'OpenAI'…): the OpenAI-compatible endpoint
 *   configured by AI_OPENAI_BASE_URL / AI_OPENAI_API_KEY. Without one the task fails with
 *   `provider_not_configured` (permanent): a vendor's model is never quietly answered by templates.
 * A task without a model (model_id unset) is served locally.
 */
export const LOCAL_PROVIDER_LABELS = ['', 'in-house', 'local'] as const;

export function isLocalProviderLabel(label: string | null): boolean {
  return (LOCAL_PROVIDER_LABELS as readonly string[]).includes((label ?? '').trim().toLowerCase());
}

export interface ProviderChoice {
  forModel(providerLabel: string | null): AiProvider;
}

export function providerChoice(remote: OpenAiSettings | null, local: AiProvider = new LocalProvider()): ProviderChoice {
  const http = remote ? new OpenAiCompatibleProvider(remote) : null;
  const unconfigured: AiProvider = {
    name: 'unconfigured',
    generate: async () => {
      throw new ProviderFailure('provider_not_configured', true, 'the model names a remote provider and no OpenAI-compatible endpoint is configured (AI_OPENAI_BASE_URL)');
    },
  };
  return { forModel: (label) => (isLocalProviderLabel(label) ? local : (http ?? unconfigured)) };
}
