import {
  accessError, checkExist, checkRules, idsOf, inTransaction, userError, validationError, type BehaviourRegistry, type CallContext, type MethodSpec, type ModelInfo,
} from '../../../odoo-bridge/orm/index.ts';
import { committedLedgerHeadsBeside } from '../db/committed-ledger-heads.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { FinanceRefused } from '../domain/finance-refusal.ts';
import type { LedgerConnection } from '../domain/points-ledger.ts';

/** A public records method without arguments (`def action_x(self)`), one transaction per call as over RPC. */
export function recordsMethod(qualname: string, run: (ctx: CallContext, model: ModelInfo, ids: number[]) => Promise<unknown>): MethodSpec {
  return {
    api: 'records',
    signature: { qualname, params: [] },
    run: (ctx, model, _args, ids) => inTransaction(ctx, (tx) => asOdooErrors(run(tx, model, idsOf(ids)))),
  };
}

/** The domain's refusals in Odoo's exception classes. */
export async function asOdooErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof FinanceRefused) throw odooErrorOf(error);
    throw error;
  }
}

export function odooErrorOf(refusal: FinanceRefused): Error {
  if (refusal.kind === 'access') return accessError(refusal.message);
  if (refusal.kind === 'validation') return validationError(refusal.message);
  return userError(refusal.message);
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

/**
 * The points ledger inside an ORM call: the call's transaction, plus the committed heads read
 * beside it (the engine's transactions are REPEATABLE READ: domain/points-ledger.ts).
 */
export function ledgerOfCall(ctx: CallContext): LedgerConnection {
  const committedHeads = committedLedgerHeadsBeside(ctx.db);
  return { sql: onQueryable(ctx.db), ...(committedHeads ? { committedHeads } : {}) };
}
