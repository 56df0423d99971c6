import type { CallContext } from '../../odoo-bridge/orm/call-context.ts';
import { idsOf, type MethodSpec } from '../../odoo-bridge/orm/methods/method.ts';
import type { ModelInfo } from '../../odoo-bridge/orm/registry/types.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { inTransaction } from '../../odoo-bridge/orm/write/transaction.ts';
import { checkExist, checkRules, ident, requireTable, type WriteEnv } from '../../odoo-bridge/orm/write/write-env.ts';

/** A public records method without arguments (`def action_x(self)`), one transaction per call as over RPC. */
export function recordsMethod(qualname: string, run: (ctx: CallContext, model: ModelInfo, ids: number[]) => Promise<unknown>): MethodSpec {
  return {
    api: 'records',
    signature: { qualname, params: [] },
    run: (ctx, model, _args, ids) => inTransaction(ctx, (tx) => run(tx, model, idsOf(ids))),
  };
}

/**
 * The records as `self` sees them when Python first reads a field of theirs: the read ACL,
 * deleted ids (MissingError) and read record rules, then the columns asked for. An empty
 * recordset reads nothing, so it checks nothing either.
 */
export async function readSelf<Row extends { id: number }>(w: WriteEnv, model: ModelInfo, ids: readonly number[], columns: readonly (keyof Row & string)[]): Promise<Map<number, Row>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  w.ctx.access.checkModel(model, 'read');
  await checkExist(w, model, unique);
  await checkRules(w, model, 'read', unique);
  const list = ['id', ...columns.filter((c) => c !== 'id')].map(ident).join(', ');
  const r = await w.ctx.db.query<Row>(`SELECT ${list} FROM ${ident(requireTable(model))} WHERE id = ANY($1::int4[])`, [unique]);
  return new Map(r.rows.map((row) => [row.id, row]));
}

export const writeEnv = (ctx: CallContext, behaviours: BehaviourRegistry): WriteEnv => ({ ctx, behaviours });

/** `'%s' % value` of a Char column: NULL reads as False. */
export const pyStr = (value: string | null | undefined): string => value ?? 'False';
