import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
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
  if (!ids.length || !model.table || !ctx.access.ruleDomain(model, mode)) return [];
  const source = searchSource(ctx, model, [['id', 'in', ids]], { order: null, limit: null, offset: 0 }, { activeTest: false });
  const visible = new Set(await searchIds(ctx, model, source));
  const existing = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${ids}::int4[])`);
  return existing.map((r) => r.id).filter((id) => !visible.has(id));
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
