import { sql } from 'kysely';
import { missingError, OdooError } from '../../errors.ts';
import type { AccessMode } from '../access-policy.ts';
import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { idsOf, type MethodTable } from './method.ts';
import { searchIds, searchSource } from './search-source.ts';

const MODES = new Set(['read', 'write', 'create', 'unlink']);

function checkMode(operation: unknown): AccessMode {
  if (typeof operation !== 'string' || !MODES.has(operation)) throw new OdooError('builtins.AssertionError', 'Invalid access mode');
  return operation as AccessMode;
}

/** Ids among `ids` the user's `mode` rules exclude (archived records included, as in Odoo). */
async function deniedIds(ctx: CallContext, model: ModelInfo, mode: AccessMode, ids: number[]): Promise<number[]> {
  const rules = ctx.access.ruleDomain(model, mode);
  if (!ids.length || !model.table || !rules) return [];
  const source = searchSource(ctx, model, [['id', 'in', ids]], { order: null, limit: null, offset: 0 }, { activeTest: false });
  const visible = new Set(await searchIds(ctx, model, source));
  const existing = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${ids}::int4[])`);
  // models.py _check_access evaluates the rules with `self.sudo().filtered_domain(domain)`, which
  // reads the records' fields one record at a time (`id` and constant leaves read nothing): the
  // first id without a row is then the fetch's MissingError, naming that record and env.uid.
  const found = new Set(existing.map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined && readsAField(rules)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing},), User: ${ctx.uid})`);
  // A domain of `id` and constant leaves is decided without a row: a missing id the domain does
  // not keep is forbidden too (`self - filtered_domain(domain)`), one it keeps is not.
  const missingDenied = readsAField(rules) ? [] : ids.filter((id) => !found.has(id) && idOnlyDomainKeeps(rules, id) === false);
  return [...existing.map((r) => r.id).filter((id) => !visible.has(id)), ...missingDenied];
}

/**
 * `filtered_domain` of a domain made of '&', '|', '!', constant leaves and `id` leaves
 * (=, !=, in, not in) for a record known only by its id; undefined for any other leaf.
 */
function idOnlyDomainKeeps(domain: unknown[], id: number): boolean | undefined {
  const stack: (boolean | undefined)[] = [];
  const items = [...domain];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item === '!') stack.push(negate(stack.pop()));
    else if (item === '&' || item === '|') {
      const a = stack.pop();
      const b = stack.pop();
      stack.push(a === undefined || b === undefined ? undefined : item === '&' ? a && b : a || b);
    } else if (Array.isArray(item) && item.length === 3) {
      const [left, op, right] = item as [unknown, unknown, unknown];
      if (left === 1 || left === 0) stack.push(op === '=' && right === 1 ? left === 1 : undefined);
      else if (left !== 'id') stack.push(undefined);
      else if (op === '=' || op === '!=') stack.push((right === id) === (op === '='));
      else if ((op === 'in' || op === 'not in') && Array.isArray(right)) stack.push(right.includes(id) === (op === 'in'));
      else stack.push(undefined);
    } else stack.push(undefined);
  }
  // Implicit '&' between the remaining top-level terms.
  return stack.reduce<boolean | undefined>((all, v) => (all === undefined || v === undefined ? undefined : all && v), true);
}

function negate(v: boolean | undefined): boolean | undefined {
  return v === undefined ? undefined : !v;
}

/** Whether a domain has a leaf on a field other than `id` (through `any` sub-domains too). */
function readsAField(domain: unknown): boolean {
  if (!Array.isArray(domain)) return false;
  return domain.some((item) => Array.isArray(item) && item.length === 3 && typeof item[0] === 'string' && (item[0] !== 'id' || readsAField(item[2])));
}

/** has_access / check_access (18) and the deprecated check_access_rights. */
export const ACCESS_METHODS: MethodTable = {
  has_access: {
    api: 'records',
    signature: { qualname: 'BaseModel.has_access', params: [{ name: 'operation' }] },
    async run(ctx, model, a, ids) {
      const mode = checkMode(a.operation);
      if (!ctx.access.hasModel(model, mode)) return false;
      return (await deniedIds(ctx, model, mode, idsOf(ids))).length === 0;
    },
  },
  check_access: {
    api: 'records',
    signature: { qualname: 'BaseModel.check_access', params: [{ name: 'operation' }] },
    async run(ctx, model, a, ids) {
      const mode = checkMode(a.operation);
      ctx.access.checkModel(model, mode);
      const denied = await deniedIds(ctx, model, mode, idsOf(ids));
      if (denied.length) throw await ctx.access.ruleError(model, mode, denied);
      return undefined; // Python None: JSON-RPC omits `result`
    },
  },
  check_access_rights: {
    api: 'model',
    signature: { qualname: 'BaseModel.check_access_rights', params: [{ name: 'operation' }, { name: 'raise_exception', default: true }] },
    async run(ctx, model, a) {
      const mode = checkMode(a.operation);
      if (a.raise_exception === false || a.raise_exception === 0) return ctx.access.hasModel(model, mode);
      // 18: deprecated alias of check_access on an empty recordset, which returns None.
      ctx.access.checkModel(model, mode);
      return undefined;
    },
  },
};
