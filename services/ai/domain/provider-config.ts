import type { OpenAiSettings } from './provider-openai.ts';

/**
 * The OpenAI-compatible endpoint from the environment: AI_OPENAI_BASE_URL (e.g.
 * https://api.deepseek.com/v1) and AI_OPENAI_API_KEY, optionally AI_OPENAI_MODEL (the endpoint's
 * model name for every task; otherwise the hp.ai.model's name) and AI_OPENAI_TIMEOUT_MS (30000).
 * Null without a base URL: models served by a remote provider then fail with
 * `provider_not_configured` instead of silently answering from templates.
 */
export function openAiSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenAiSettings | null {
  const baseUrl = env.AI_OPENAI_BASE_URL?.trim();
  if (!baseUrl) return null;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new Error('invalid setting AI_OPENAI_BASE_URL: not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('invalid setting AI_OPENAI_BASE_URL: not http(s)');
  if (parsed.username || parsed.password) throw new Error('invalid setting AI_OPENAI_BASE_URL: put the key in AI_OPENAI_API_KEY, not in the URL');
  const timeoutMs = Number(env.AI_OPENAI_TIMEOUT_MS ?? 30_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('invalid setting AI_OPENAI_TIMEOUT_MS: not a positive number of milliseconds');
  const model = env.AI_OPENAI_MODEL?.trim();
  return { baseUrl, apiKey: env.AI_OPENAI_API_KEY ?? '', timeoutMs, ...(model ? { model } : {}) };
}
