import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { AiDatabase } from './db/tables.ts';

/**
 * What the ai service publishes: nothing yet. hp_ai announced nothing, and a finished generation
 * task is read through its status URL (GET /ai/tasks/{id}), not pushed; a contract in
 * schemas/events/ comes first should one be needed.
 */
export const AI_PUBLISHES = [] as const satisfies readonly EventType[];

/**
 * What ai consumes: each part exports its subscriptions from its domain file and adds one spread
 * here (e.g. health insights on health_action_recorded).
 */
export const AI_SUBSCRIPTIONS: SubscriptionDefinition<AiDatabase>[] = [];
