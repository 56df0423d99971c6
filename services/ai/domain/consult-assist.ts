import { AiRefused } from './generation-refusal.ts';
import { memberReadings, readerRelation, type Caller, type MemberDataPorts } from './insight-access.ts';
import { findingsOf, INSIGHT_PROVIDER, recordIdsDigest } from './insight-health.ts';
import { LOCAL_PROVIDER_NAME } from './provider-local.ts';
import { ProviderFailure, type AiProvider } from './provider.ts';
import { DAY_MS } from './series-readings.ts';
import { suggestionsFor, type RecentFacts, type Suggestion } from './consult-suggestions.ts';

export const CONSULT_DEFAULT_DAYS = 60;

export interface ConsultPorts extends MemberDataPorts {
  /** The latest hp.assessment of `memberId` the coach may read (hp_personal: the ones they coach), read as the coach. */
  latestAssessment(coachId: number, memberId: number): Promise<RecentFacts['assessment']>;
  /** An OpenAI-compatible provider to phrase the suggestions, when one is configured; null: the templates' texts stand. */
  phrasing: AiProvider | null;
}

export interface ConsultAnswer {
  memberId: number;
  coachId: number;
  window: { from: string; to: string; days: number };
  inputs: { model: 'hp.health.record'; readAs: number; readings: number; recordIdsSha256: string; assessmentId: number | null };
  suggestions: Suggestion[];
  /** How the suggestions were found (statistics and rules) and how their words were made. */
  method: { findings: typeof INSIGHT_PROVIDER; suggestions: string };
  phrasing:
    | { provider: typeof LOCAL_PROVIDER_NAME; method: 'template'; text: null }
    | { provider: string; method: 'chat-completion'; model: string; text: string }
    | { provider: string; method: 'template'; text: null; failed: string };
}

/**
 * POST /ai/consult/assist: for a coach serving the member (or an operator), the member's recent
 * readings and the coach's own latest assessment of them, read through their owners AS THE COACH,
 * turned into suggestions by consult-suggestions.ts. A caller without access to the member gets
 * nothing (403), before anything is read.
 */
export async function consultAssist(ports: ConsultPorts, caller: Caller, memberId: number, days = CONSULT_DEFAULT_DAYS, now = new Date()): Promise<ConsultAnswer> {
  if (caller.uid === memberId) throw new AiRefused('access', 'Consultation help is for the coach serving the member, not for the member themself.');
  await readerRelation(caller, memberId, ports);
  const from = new Date(now.getTime() - days * DAY_MS);
  const readings = await memberReadings(ports, caller.uid, memberId, from, now);
  const assessment = await ports.latestAssessment(caller.uid, memberId);
  const suggestions = suggestionsFor(findingsOf(readings), { readings, assessment, now });
  return {
    memberId, coachId: caller.uid,
    window: { from: from.toISOString(), to: now.toISOString(), days },
    inputs: { model: 'hp.health.record', readAs: caller.uid, readings: readings.length, recordIdsSha256: recordIdsDigest(readings), assessmentId: assessment?.id ?? null },
    suggestions,
    method: { findings: INSIGHT_PROVIDER, suggestions: 'fixed rules over the findings (direction per metric, severity → priority) filling fixed templates; each suggestion carries its basis' },
    phrasing: await phrase(ports.phrasing, suggestions),
  };
}

async function phrase(provider: AiProvider | null, suggestions: readonly Suggestion[]): Promise<ConsultAnswer['phrasing']> {
  if (!provider || !suggestions.length) return { provider: LOCAL_PROVIDER_NAME, method: 'template', text: null };
  const prompt = [
    'Rewrite these suggestions for a health coach as one short, friendly note. Keep every number; add no medical claims.',
    ...suggestions.map((s, i) => `${i + 1}. [${s.priority}] ${s.text}`),
  ].join('\n');
  try {
    const answer = await provider.generate({ taskType: 'consult', prompt, model: { id: null, name: 'consult-assist', version: null } });
    return answer.method === 'chat-completion'
      ? { provider: answer.provider, method: 'chat-completion', model: answer.model, text: answer.text }
      : { provider: LOCAL_PROVIDER_NAME, method: 'template', text: null };
  } catch (error) {
    // The suggestions stand on their own; a provider that cannot answer only costs the re-phrasing.
    if (error instanceof ProviderFailure) return { provider: provider.name, method: 'template', text: null, failed: error.code };
    throw error;
  }
}
