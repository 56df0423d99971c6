import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The ai drill load's options and report (ai-load.ts runs it; ai-rest-calls.ts and the checks read them). */
export interface AiLoadOptions extends ServiceLoadOptions {
  /** Operators operator002… (operator001 is also an admin: it writes the drill's insights, hp.ai.insight's create being administrators' only). */
  operators: number;
}

export const AI_CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type AiChannel = (typeof AI_CHANNELS)[number];

export type TaskState = 'queued' | 'running' | 'done' | 'failed';

/**
 * A generation task a client was told it created, as the last accepted write left it. Over RPC
 * its requester creates it and an operator runs and finishes it (result or error as written);
 * over REST (`POST /ai/content/generate`) the service's worker runs it, and `state` is what the
 * drill last read of it once the load stopped (done or failed: none left queued or running).
 */
export interface TrackedTask {
  id: number;
  requesterId: number;
  taskType: string;
  prompt: string;
  state: TaskState;
  result: string | null;
  error: string | null;
  via: string;
}

/** An AI model an operator registered, as the last write left it. */
export interface TrackedModel {
  id: number;
  name: string;
  capability: string;
  active: boolean;
  via: string;
}

/** An insight the administrator wrote for a member, as the last write left it. */
export interface TrackedInsight {
  id: number;
  userId: number;
  insightType: string;
  severity: string;
  summary: string;
  via: string;
}

export interface AiLoadReport extends CallFigures<AiChannel>, ReadBackFigures {
  tasks: TrackedTask[];
  models: TrackedModel[];
  insights: TrackedInsight[];
  /** Tasks queued over REST: how many, cancelled on purpose, asked again under the same Idempotency-Key, and how long the worker took (queued → done, ms, as the drill's polls saw it). */
  restTasks: number;
  cancelled: number;
  retriedCreates: number;
  workerLatencies: number[];
  /** Health analyses asked over REST (GET /ai/insights/health): each stores its findings once. */
  healthAnalyses: number;
  /** Answers the drill asks for on purpose (a queued task finished, a done one started or failed): the addon's UserError, not a failure. */
  refusals: { method: string; message: string }[];
  restRoutesUsed: string[];
  runTag: string;
  memberIds: number[];
  operatorIds: number[];
  adminId: number;
}
