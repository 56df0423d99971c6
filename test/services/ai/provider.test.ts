import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalProviderLabel, providerChoice } from '../../../services/ai/domain/provider-choice.ts';
import { openAiSettingsFromEnv } from '../../../services/ai/domain/provider-config.ts';
import { LOCAL_PROVIDER_NAME, LocalProvider } from '../../../services/ai/domain/provider-local.ts';
import { OPENAI_PROVIDER_NAME, OpenAiCompatibleProvider, failureOfStatus } from '../../../services/ai/domain/provider-openai.ts';
import { ProviderFailure, type GenerationRequest } from '../../../services/ai/domain/provider.ts';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../support/openai-stand-in.ts';

const request = (prompt: string, extra: Partial<GenerationRequest> = {}): GenerationRequest => ({
  taskType: 'content', prompt, model: { id: 1, name: 'HealthWriter', version: '2.1' }, ...extra,
});

async function failureOf(work: Promise<unknown>): Promise<ProviderFailure> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderFailure);
    return error as ProviderFailure;
  }
  throw new Error('expected a ProviderFailure');
}

describe('the local provider (templates, no network, no model)', () => {
  const local = new LocalProvider();

  it('answers from templates and says so: provider local-templates, method template, the topics it recognised', async () => {
    const answer = await local.generate(request('写一篇关于控糖饮食的科普文章'));
    expect(answer).toMatchObject({ provider: LOCAL_PROVIDER_NAME, method: 'template' });
    expect(answer.model).toContain('HealthWriter');
    expect(answer.text).toContain('Blood glucose');
    expect(answer.text).toContain('Diet');
    expect(answer.text).toContain('not written by a language model');
    expect(answer.text).toContain('Chinese prompt');
    const none = await local.generate(request('Tell me about the weather on Mars'));
    expect(none.text).toContain('No health topic the templates know was named');
  });

  it('is deterministic and honest for any prompt with text; an empty prompt or a cancelled request is a permanent failure', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim().length > 0), async (prompt) => {
      const [a, b] = [await local.generate(request(prompt)), await local.generate(request(prompt))];
      expect(a).toEqual(b);
      expect(a.provider).toBe(LOCAL_PROVIDER_NAME);
      expect(a.method).toBe('template');
      expect(a.text.length).toBeGreaterThan(0);
    }), { numRuns: 200 });
    expect(await failureOf(local.generate(request('   ')))).toMatchObject({ code: 'empty_prompt', permanent: true });
    const abort = new AbortController();
    abort.abort();
    expect(await failureOf(local.generate(request('sleep', { signal: abort.signal })))).toMatchObject({ code: 'aborted', permanent: true });
  });
});

describe('which provider serves an hp.ai.model (its provider column)', () => {
  it('in-house, local and empty are local; a vendor is the OpenAI-compatible endpoint, or a permanent provider_not_configured without one', async () => {
    for (const label of [null, '', 'in-house', 'In-House ', 'local']) expect(isLocalProviderLabel(label), String(label)).toBe(true);
    for (const label of ['Qwen', 'DeepSeek', 'openai']) expect(isLocalProviderLabel(label), label).toBe(false);
    const configured = providerChoice({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', timeoutMs: 100 });
    expect(configured.forModel('in-house').name).toBe(LOCAL_PROVIDER_NAME);
    expect(configured.forModel('DeepSeek').name).toBe(OPENAI_PROVIDER_NAME);
    const unconfigured = providerChoice(null);
    expect(unconfigured.forModel('in-house').name).toBe(LOCAL_PROVIDER_NAME);
    expect(await failureOf(unconfigured.forModel('Qwen').generate(request('x')))).toMatchObject({ code: 'provider_not_configured', permanent: true });
  });

  it('reads the endpoint from AI_OPENAI_*: none without a base URL; a URL carrying credentials is refused without echoing them', () => {
    expect(openAiSettingsFromEnv({})).toBeNull();
    expect(openAiSettingsFromEnv({ AI_OPENAI_BASE_URL: 'https://api.example.com/v1', AI_OPENAI_API_KEY: 'sk-1', AI_OPENAI_MODEL: 'deepseek-chat', AI_OPENAI_TIMEOUT_MS: '5000' }))
      .toEqual({ baseUrl: 'https://api.example.com/v1', apiKey: 'sk-1', model: 'deepseek-chat', timeoutMs: 5000 });
    expect(openAiSettingsFromEnv({ AI_OPENAI_BASE_URL: 'https://api.example.com/v1' })).toEqual({ baseUrl: 'https://api.example.com/v1', apiKey: '', timeoutMs: 30_000 });
    let message = '';
    try {
      openAiSettingsFromEnv({ AI_OPENAI_BASE_URL: 'https://user:sk-secret-in-url@api.example.com/v1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/AI_OPENAI_BASE_URL/);
    expect(message).not.toContain('sk-secret-in-url');
    expect(() => openAiSettingsFromEnv({ AI_OPENAI_BASE_URL: 'ftp://x' })).toThrow(/not http/);
    expect(() => openAiSettingsFromEnv({ AI_OPENAI_BASE_URL: 'https://x', AI_OPENAI_TIMEOUT_MS: '-1' })).toThrow(/AI_OPENAI_TIMEOUT_MS/);
  });

  it('maps statuses: a refused key and a rejected request are permanent, 408/409/429/5xx transient', () => {
    expect(failureOfStatus(401)).toMatchObject({ code: 'provider_unauthorized', permanent: true });
    expect(failureOfStatus(403)).toMatchObject({ code: 'provider_unauthorized', permanent: true });
    for (const status of [400, 404, 413, 422]) expect(failureOfStatus(status), String(status)).toMatchObject({ code: `provider_http_${status}`, permanent: true });
    for (const status of [408, 409, 429, 500, 502, 503, 504]) expect(failureOfStatus(status), String(status)).toMatchObject({ code: `provider_http_${status}`, permanent: false });
  });
});

describe('the OpenAI-compatible provider against a local stand-in over HTTP', () => {
  let standIn: OpenAiStandIn;
  const provider = (extra: Partial<ConstructorParameters<typeof OpenAiCompatibleProvider>[0]> = {}) =>
    new OpenAiCompatibleProvider({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, timeoutMs: 2_000, ...extra });

  beforeAll(async () => {
    standIn = await startOpenAiStandIn();
  });
  afterAll(async () => standIn?.close());

  it('posts one chat completion (Bearer key, the model, a system and a user message) and answers its content, model and usage, as a chat-completion', async () => {
    const before = standIn.requests.length;
    const answer = await provider().generate(request('Is my blood pressure trend worrying?'));
    expect(answer).toEqual({
      text: 'Stand-in answer to: Is my blood pressure trend worrying?', provider: OPENAI_PROVIDER_NAME, method: 'chat-completion', model: 'HealthWriter',
      usage: { promptTokens: 36, completionTokens: 56 },
    });
    expect(standIn.requests.length).toBe(before + 1);
    const sent = standIn.requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent.headers.authorization).toBe(`Bearer ${standIn.apiKey}`);
    expect(sent.body.model).toBe('HealthWriter');
    expect(sent.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(sent.body.messages[1].content).toBe('Is my blood pressure trend worrying?');
    // A configured model name wins over the hp.ai.model's; a trailing slash on the base URL is fine.
    await provider({ model: 'deepseek-chat', baseUrl: `${standIn.baseUrl}/` }).generate(request('x'));
    expect(standIn.requests.at(-1)!.body.model).toBe('deepseek-chat');
    expect(standIn.requests.at(-1)!.path).toBe('/v1/chat/completions');
  });

  it('maps what goes wrong to safe codes: a wrong key, 5xx, 429, 400, a hang-up, an answer that is not JSON; the key appears in none of them', async () => {
    const wrongKey = await failureOf(provider({ apiKey: 'sk-wrong-key-value' }).generate(request('x')));
    expect(wrongKey).toMatchObject({ code: 'provider_unauthorized', permanent: true });
    standIn.next({ kind: 'status', status: 500, body: { error: { message: `echo ${standIn.apiKey}` } } }, { kind: 'status', status: 429 }, { kind: 'status', status: 400 }, { kind: 'drop' }, { kind: 'not-json' });
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await failureOf(provider().generate(request('x'))));
    expect(failures.map((f) => [f.code, f.permanent])).toEqual([
      ['provider_http_500', false], ['provider_http_429', false], ['provider_http_400', true], ['provider_unreachable', false], ['provider_bad_answer', false],
    ]);
    for (const failure of [wrongKey, ...failures]) {
      const shown = `${failure.code} ${failure.message} ${JSON.stringify(failure)} ${String(failure.stack)}`;
      expect(shown).not.toContain(standIn.apiKey);
      expect(shown).not.toContain('sk-wrong-key-value');
    }
  });

  it('gives up at its deadline (transient provider_timeout) and at once when the task is cancelled (permanent aborted)', async () => {
    standIn.next({ kind: 'answer', delayMs: 3_000 });
    let started = Date.now();
    expect(await failureOf(provider({ timeoutMs: 300 }).generate(request('slow')))).toMatchObject({ code: 'provider_timeout', permanent: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    standIn.next({ kind: 'answer', delayMs: 3_000 });
    const cancel = new AbortController();
    started = Date.now();
    const pending = failureOf(provider({ timeoutMs: 10_000 }).generate(request('slow', { signal: cancel.signal })));
    setTimeout(() => cancel.abort(), 100);
    expect(await pending).toMatchObject({ code: 'aborted', permanent: true });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an endpoint that is not listening is unreachable (transient)', async () => {
    const gone = await startOpenAiStandIn();
    const url = gone.baseUrl;
    await gone.close();
    expect(await failureOf(new OpenAiCompatibleProvider({ baseUrl: url, apiKey: 'k', timeoutMs: 2_000 }).generate(request('x')))).toMatchObject({ code: 'provider_unreachable', permanent: false });
  });
});
