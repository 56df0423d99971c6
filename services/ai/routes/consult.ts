import { defineRoute } from '../../kit/index.ts';
import type { AiDatabase } from '../db/tables.ts';
import { CONSULT_DEFAULT_DAYS, consultAssist, type ConsultPorts } from '../domain/consult-assist.ts';
import { OpenAiCompatibleProvider } from '../domain/provider-openai.ts';
import { openAiSettingsFromEnv } from '../domain/provider-config.ts';
import { callerOf } from './insights.ts';
import { latestAssessmentThrough, memberDataThrough } from './insights-sources.ts';
import { asProblems } from './rest-access.ts';

interface ConsultBody {
  memberId: number;
  days?: number;
}

/**
 * POST /ai/consult/assist: suggestions for a coach from a member's recent data, each with the
 * finding or fact behind it (domain/consult-suggestions.ts). The coach must serve the member (an
 * order of theirs assigned to the coach) or be an operator; a member, or a coach without such an
 * order, is 403 and nothing of the member is read. Readings and the coach's own latest assessment
 * are read through the gateway as the coach. When AI_OPENAI_BASE_URL is set, that provider phrases
 * the suggestions as one note (`phrasing`); the suggestions and their numbers stay the rules'.
 */
export const consultAssistRoute = defineRoute<AiDatabase, ConsultBody>({
  method: 'post',
  path: '/ai/consult/assist',
  summary: "Suggestions for a coach from a member they serve (statistics and rules over the member's recent data; optionally phrased by an OpenAI-compatible provider)",
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ai/consult-assist-request.json',
  responses: { 200: 'rest/ai/consult-assist.json' },
  async handler(ctx) {
    const caller = await callerOf(ctx);
    const settings = openAiSettingsFromEnv();
    const ports: ConsultPorts = {
      ...memberDataThrough(ctx.platform.odoo),
      latestAssessment: latestAssessmentThrough(ctx.platform.odoo),
      phrasing: settings ? new OpenAiCompatibleProvider(settings) : null,
    };
    const answer = await asProblems(consultAssist(ports, caller, ctx.body.memberId, ctx.body.days ?? CONSULT_DEFAULT_DAYS));
    return { status: 200, body: answer };
  },
});

export const CONSULT_ROUTES = [consultAssistRoute];
