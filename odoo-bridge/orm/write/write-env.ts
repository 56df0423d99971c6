import { missingError, OdooError, valueError } from '../../errors.ts';
import type { AccessMode } from '../access-policy.ts';
import type { CallContext } from '../call-context.ts';
import { compileWhere } from '../domain/compile.ts';
import { newSearchEnv } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { sql } from 'kysely';
import { quoteIdent as ident } from '../../../platform/quote-ident.ts';
import { normalizeDomain } from '../access/rule-domains.ts';
import type { BehaviourRegistry } from './behaviour-registry.ts';

/** What every write operation runs with: the call (inside its transaction) and the registered Python behaviour. */
export interface WriteEnv {
  readonly ctx: CallContext;
  readonly behaviours: BehaviourRegistry;
  /** Called after writes to models that change access decisions (users, groups, ACLs, rules). */
  readonly onAccessChange?: () => void;
}

/** The engine's short name for platform's quoteIdent (it quotes a table or column in almost every statement). */
export { ident };

export function requireTable(model: ModelInfo): string {
  if (!model.table) throw new OdooError('odoo.exceptions.UserError', `Model ${model.name} has no table to write to.`);
  return model.table;
}

/** Python's repr of a recordset, as MissingError prints it: `res.partner(1, 2)` / `res.partner(7,)`. */
export function recordsetRepr(model: string, ids: readonly number[]): string {
  return `${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`;
}

/** `_check_access`'s first half and `write`/`unlink` on deleted ids: MissingError naming the missing ones. */
export async function checkExist(w: WriteEnv, model: ModelInfo, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const r = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(requireTable(model))} WHERE id = ANY($1::int4[])`, [ids]);
  const found = new Set(r.rows.map((row) => row.id));
  const missing = [...new Set(ids)].filter((id) => !found.has(id));
  if (missing.length) {
    throw missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model.name, missing)}, User: ${w.ctx.uid})`);
  }
}

/** Record rules for `mode` on explicit ids (write/unlink before, create after): AccessError when any is excluded. */
export async function checkRules(w: WriteEnv, model: ModelInfo, mode: AccessMode, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const domain = w.ctx.access.ruleDomain(model, mode);
  if (!domain) return;
  const env = newSearchEnv(w.ctx.registry, { activeTest: false, companyId: w.ctx.access.companyId });
  const where = compileWhere(env, model, ['&', ['id', 'in', [...ids]], ...normalized(domain)], 'r', { sudo: true, activeTest: false });
  const rows = await run<{ id: number }>(w.ctx.db, sql`SELECT r.id FROM ${sql.table(requireTable(model))} AS r WHERE ${where}`);
  const allowed = new Set(rows.map((r) => r.id));
  const denied = ids.filter((id) => !allowed.has(id));
  if (denied.length) throw await w.ctx.access.ruleError(model, mode, denied);
}

/** One prefix-form term, so it can follow an explicit '&'. */
function normalized(domain: unknown[]): unknown[] {
  return normalizeDomain(domain);
}

/** Unknown field names in vals: ValueError "Invalid field 'x' on model 'y'" (Odoo 18 `_check_field` text). */
export function checkFieldNames(model: ModelInfo, vals: Record<string, unknown>): void {
  for (const name of Object.keys(vals)) {
    if (!model.fields.has(name)) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
  }
}

export function isEmptyValue(value: unknown): boolean {
  return value === false || value === null || value === undefined;
}
