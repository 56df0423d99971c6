import type { AiProvider, GenerationAnswer, GenerationRequest } from './provider.ts';
import { ProviderFailure } from './provider.ts';

export const OPENAI_PROVIDER_NAME = 'openai-compatible';

/** Where an OpenAI-compatible endpoint is and how to reach it (domain/provider-config.ts reads it from the environment). */
export interface OpenAiSettings {
  /** The API's base, e.g. `https://api.example.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged, never stored, never in an error. */
  apiKey: string;
  /** The endpoint's model name; when absent, the hp.ai.model's name. */
  model?: string;
  /** How long one request may take, connection to last byte. */
  timeoutMs: number;
  maxTokens?: number;
}

interface ChatCompletion {
  model?: string;
  choices?: { message?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

const SYSTEM_PROMPT: Record<string, string> = {
  content: 'You write short, accurate health-education texts for members of a health platform. No diagnosis; suggest seeing a professional when in doubt.',
};

/**
 * The status an endpoint answered, as a failure: 401/403 a refused key and 400/404/422 a
 * rejected request are permanent (retrying gives the same answer); 408, 409, 429 and 5xx are
 * transient. The code names the status only: an upstream body may echo the prompt or the key.
 */
export function failureOfStatus(status: number): ProviderFailure {
  if (status === 401 || status === 403) return new ProviderFailure('provider_unauthorized', true, `the provider refused the key (HTTP ${status})`);
  if (status === 408 || status === 409 || status === 429 || status >= 500) return new ProviderFailure(`provider_http_${status}`, false, `the provider answered HTTP ${status}`);
  return new ProviderFailure(`provider_http_${status}`, true, `the provider rejected the request (HTTP ${status})`);
}

/**
 * An OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, Qwen's DashScope, vLLM,
 * llama.cpp's server…): one POST per task, a deadline, errors mapped to ProviderFailure.
 */
export class OpenAiCompatibleProvider implements AiProvider {
  readonly name = OPENAI_PROVIDER_NAME;

  constructor(private readonly settings: OpenAiSettings) {}

  async generate(request: GenerationRequest): Promise<GenerationAnswer> {
    const url = `${this.settings.baseUrl.replace(/\/+$/u, '')}/chat/completions`;
    const model = this.settings.model ?? request.model.name;
    const deadline = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.settings.apiKey}` },
        body: JSON.stringify({
          model,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT[request.taskType] ?? SYSTEM_PROMPT.content },
            { role: 'user', content: request.prompt },
          ],
          ...(this.settings.maxTokens ? { max_tokens: this.settings.maxTokens } : {}),
        }),
        signal,
      });
    } catch (error) {
      throw this.transportFailure(error, request.signal, deadline);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw failureOfStatus(response.status);
    }
    let body: ChatCompletion;
    try {
      body = (await response.json()) as ChatCompletion;
    } catch (error) {
      if (signal.aborted) throw this.transportFailure(error, request.signal, deadline);
      throw new ProviderFailure('provider_bad_answer', false, 'the provider answered something that is not JSON');
    }
    const text = body.choices?.[0]?.message?.content;
    if (typeof text !== 'string' || !text.trim()) throw new ProviderFailure('provider_bad_answer', false, 'the provider answered no message content');
    return {
      text,
      provider: OPENAI_PROVIDER_NAME,
      method: 'chat-completion',
      model: typeof body.model === 'string' && body.model ? body.model : model,
      usage: { promptTokens: body.usage?.prompt_tokens ?? null, completionTokens: body.usage?.completion_tokens ?? null },
    };
  }

  /** A request that never got an answer: our cancellation (permanent: nobody wants it), the deadline or the network (transient). */
  private transportFailure(error: unknown, cancel: AbortSignal | undefined, deadline: AbortSignal): ProviderFailure {
    if (cancel?.aborted) return new ProviderFailure('aborted', true, 'the task was cancelled or its lease was lost');
    if (deadline.aborted) return new ProviderFailure('provider_timeout', false, `the provider did not answer within ${this.settings.timeoutMs} ms`);
    const code = (error as { cause?: { code?: unknown } })?.cause?.code;
    return new ProviderFailure('provider_unreachable', false, `the provider could not be reached${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}
