import {
  accessError, checkExist, checkRules, idsOf, inTransaction, typeError, userError, validationError, valueError, type BehaviourRegistry, type CallContext, type MethodSpec, type ModelInfo,
} from '../../../odoo-bridge/orm/index.ts';
import { RuleRefusal } from '../refusal/rule-refusal.ts';

/**
 * A public records method (`def action_x(self, *params)`) of a service's Odoo face: one
 * transaction per call as over RPC, the domain's refusals in Odoo's exception classes.
 */
export function recordsMethod(qualname: string, params: readonly string[], run: (ctx: CallContext, model: ModelInfo, ids: number[], args: Record<string, unknown>) => Promise<unknown>): MethodSpec {
  return {
    api: 'records',
    signature: { qualname, params: params.map((name) => ({ name })) },
    run: (ctx, model, args, ids) => inTransaction(ctx, (tx) => asOdooErrors(run(tx, model, idsOf(ids), args))),
  };
}

/** The domain's refusals in the exception classes Python raises for them. */
export async function asOdooErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof RuleRefusal) throw odooErrorOf(error);
    throw error;
  }
}

export function odooErrorOf(refusal: RuleRefusal): Error {
  switch (refusal.kind) {
    case 'access': return accessError(refusal.message);
    case 'validation': return validationError(refusal.message);
    case 'value': return valueError(refusal.message);
    case 'type': return typeError(refusal.message);
    default: return userError(refusal.message);
  }
}

/**
 * The records as `self` sees them when Python first reads a field of theirs: the read ACL,
 * deleted ids (MissingError) and read record rules, then the columns asked for (each id once).
 * An empty recordset reads nothing, so it checks nothing either.
 */
export async function readSelf<Row extends { id: number }>(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, table: string, ids: readonly number[], columns: readonly string[]): Promise<Map<number, Row>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  ctx.access.checkModel(model, 'read');
  const w = { ctx, behaviours };
  await checkExist(w, model, unique);
  await checkRules(w, model, 'read', unique);
  const list = ['id', ...columns.filter((c) => c !== 'id')].map((c) => `"${c}"`).join(', ');
  const r = await ctx.db.query<Row>(`SELECT ${list} FROM "${table}" WHERE id = ANY($1::int4[])`, [unique]);
  return new Map(r.rows.map((row) => [row.id, row]));
}
