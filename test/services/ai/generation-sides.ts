import ai from '../../../services/ai/index.ts';
import type { AiDatabase } from '../../../services/ai/db/tables.ts';
import type { ModuleOwner, ServiceRestStack } from '../../support/service-rest-stack.ts';
import { odooErrorOf, startServiceSides } from '../../support/service-sides.ts';

export const AI_TABLES = ['ai_models', 'generation_tasks', 'insights'] as const;

/** Seed users (fixtures/hp_legacy.sql.gz): members, an operator who is not an admin, an admin. */
export const USERS = { ADMIN: 2, OPERATOR: 302, MEMBER: 6, OTHER_MEMBER: 7, COACH: 251 } as const;

/**
 * One side of M16's cut, reached by both kinds of client on the same rows: REST (ai's runtime, with
 * its task worker as background work, svc_ai's write-owner rows saying `owner`) and Odoo RPC
 * (`legacy`: the gateway's engine over the monolith's tables with ai's legacy behaviours,
 * embedded mode; `service`: ai's own engine over svc_ai, as the gateway answers M16 after cutover).
 */
export interface AiSide {
  owner: ModuleOwner;
  stack: ServiceRestStack<AiDatabase>;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startAiSide(owner: ModuleOwner): Promise<AiSide> {
  const sides = await startServiceSides<AiDatabase>({ definition: ai, tables: AI_TABLES, owner, forwardContext: true });
  return {
    owner,
    stack: sides.stack,
    rpc: owner === 'service' ? sides.serviceRpc : sides.legacyRpc,
    stop: () => sides.stop(),
  };
}

export { odooErrorOf };
