import type { AiProvider, GenerationAnswer, GenerationRequest } from './provider.ts';
import { ProviderFailure } from './provider.ts';

/**
 * The local provider: no network, no model download, no language model at all. It fills
 * templates with what it can count in the prompt (its language, length, the health topics it
 * names) and says so in every answer (`provider: "local-templates"`, `method: "template"`), so
 * nobody mistakes it for generated prose. It is deterministic: the same prompt gives the same text.
 */
export const LOCAL_PROVIDER_NAME = 'local-templates';

/** Health topics the templates know, by the words (English and Chinese) that name them. */
const TOPICS: readonly { topic: string; words: readonly string[]; advice: string }[] = [
  { topic: 'blood glucose', words: ['glucose', 'sugar', 'diabet', '血糖', '控糖', '糖'], advice: 'Regular meals, fewer refined carbohydrates and a walk after eating help keep blood glucose steady.' },
  { topic: 'blood pressure', words: ['blood pressure', 'hypertension', '血压'], advice: 'Less salt, regular activity and measuring at the same time each day make blood pressure readings comparable.' },
  { topic: 'weight', words: ['weight', 'fat', 'slim', '减脂', '减肥', '体重'], advice: 'A modest daily energy deficit, protein at each meal and enough sleep support steady weight loss.' },
  { topic: 'sleep', words: ['sleep', 'insomnia', '睡眠', '失眠'], advice: 'A fixed bedtime, a dark room and no screens in the last hour improve sleep.' },
  { topic: 'exercise', words: ['exercise', 'steps', 'walk', 'run', 'rehab', '运动', '康复', '步'], advice: 'Build activity up gradually and stop if pain increases; a coach can adapt the plan.' },
  { topic: 'diet', words: ['diet', 'meal', 'recipe', 'food', '饮食', '食谱'], advice: 'Half a plate of vegetables, a quarter protein and a quarter whole grains is a simple pattern.' },
];

const HAN = /\p{Script=Han}/u;

function topicsOf(prompt: string): typeof TOPICS[number][] {
  const lower = prompt.toLowerCase();
  return TOPICS.filter((t) => t.words.some((w) => lower.includes(w)));
}

/** The text of a content task: a title, the topics found and their standard advice, and a note of how it was made. */
export function localContent(prompt: string): string {
  const topics = topicsOf(prompt);
  const chinese = HAN.test(prompt);
  const characters = [...prompt.trim()].length;
  const title = prompt.trim().replace(/\s+/gu, ' ').slice(0, 80);
  const lines = [`# ${title}`, ''];
  if (topics.length) {
    for (const t of topics) lines.push(`- ${t.topic[0]!.toUpperCase()}${t.topic.slice(1)}: ${t.advice}`);
  } else {
    lines.push('- No health topic the templates know was named; a coach or an editor should write this piece.');
  }
  lines.push('', `(Assembled from templates by rules, not written by a language model: ${topics.length} topic(s) recognised in a ${chinese ? 'Chinese' : 'non-Chinese'} prompt of ${characters} character(s).)`);
  return lines.join('\n');
}

export class LocalProvider implements AiProvider {
  readonly name = LOCAL_PROVIDER_NAME;

  async generate(request: GenerationRequest): Promise<GenerationAnswer> {
    if (request.signal?.aborted) throw new ProviderFailure('aborted', true);
    if (!request.prompt.trim()) throw new ProviderFailure('empty_prompt', true, 'the prompt is empty');
    return { text: localContent(request.prompt), provider: LOCAL_PROVIDER_NAME, method: 'template', model: `content-template-v1 (for ${request.model.name})` };
  }
}
