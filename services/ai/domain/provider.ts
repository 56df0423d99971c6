import type { AiCapability } from '../db/tables.ts';

/**
 * What the ai service asks of a text generator, whatever stands behind it: the local provider
 * (templates and statistics, no network, no model: domain/provider-local.ts) or an
 * OpenAI-compatible HTTP endpoint (domain/provider-openai.ts). Which one serves an hp.ai.model
 * is decided by its `provider` column (domain/provider-choice.ts).
 */
export interface GenerationRequest {
  taskType: AiCapability;
  prompt: string;
  /** The hp.ai.model the task names (its name and version go to the provider as the model). */
  model: { id: number | null; name: string; version: string | null };
  /** Aborted when the task is cancelled or the worker loses its lease. */
  signal?: AbortSignal;
}

/** A provider's answer, saying honestly what produced it. */
export interface GenerationAnswer {
  text: string;
  /** e.g. `local-templates`, `openai-compatible`. */
  provider: string;
  /** How the text was made: `template` (filled in by rules, no model), `chat-completion` (a language model). */
  method: 'template' | 'chat-completion';
  /** The model that answered (the endpoint's own name for it), or the template's name. */
  model: string;
  usage?: { promptTokens: number | null; completionTokens: number | null };
}

export interface AiProvider {
  /** How answers name it (GenerationAnswer.provider). */
  readonly name: string;
  generate(request: GenerationRequest): Promise<GenerationAnswer>;
}

/**
 * A provider could not answer. `code` is short and safe to store and show (never a key, a URL
 * with credentials or an upstream body); `permanent` failures are not retried (a refused key, a
 * rejected request), transient ones are (timeouts, 429, 5xx, a refused connection).
 */
export class ProviderFailure extends Error {
  constructor(
    readonly code: string,
    readonly permanent: boolean,
    message: string = code,
  ) {
    super(message);
    this.name = 'ProviderFailure';
  }
}
