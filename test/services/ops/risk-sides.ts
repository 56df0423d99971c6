import type { CallHandler } from '../../../odoo-bridge/call.ts';
import ops from '../../../services/ops/index.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import type { ModuleOwner, ServiceRestStack } from '../../support/service-rest-stack.ts';
import { odooErrorOf, startServiceSides } from '../../support/service-sides.ts';

export const OPS_TABLES = ['ratings', 'certifications', 'operations', 'notifications', 'risk_rules', 'risk_alerts', 'audit_logs'] as const;

/**
 * One side of M18's cut, reached by both kinds of client on the same rows: REST (ops's runtime,
 * svc_ops's write-owner rows saying `owner`, the gateway's dispatch as its Odoo calls) and Odoo
 * RPC (`legacy`: the gateway's engine over the monolith's tables with ops's legacy behaviours,
 * embedded mode; `service`: ops's own engine over svc_ops, as the gateway answers M18 after
 * cutover). Other models (hp.payment, hp.rating…) are answered by the legacy side's dispatch
 * either way, as while their modules are in phase legacy.
 */
export interface RiskSide {
  owner: ModuleOwner;
  stack: ServiceRestStack<OpsDatabase>;
  /** The legacy side's dispatch (the migration runtime's handler over the monolith). */
  legacyRpc: CallHandler;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startRiskSide(owner: ModuleOwner): Promise<RiskSide> {
  const sides = await startServiceSides<OpsDatabase>({ definition: ops, tables: OPS_TABLES, owner, forwardContext: true });
  return {
    owner,
    stack: sides.stack,
    legacyRpc: sides.dispatch,
    rpc: owner === 'service' ? sides.serviceRpc : sides.legacyRpc,
    stop: () => sides.stop(),
  };
}

export { odooErrorOf };
