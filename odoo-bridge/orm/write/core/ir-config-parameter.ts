import { OdooError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { MethodSpec } from '../../methods/method.ts';
import { searchIds, searchSource } from '../../methods/search-source.ts';
import type { ModelInfo } from '../../registry/types.ts';
import { pythonStr } from '../../../wire/xmlrpc/python-repr.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { createRecords, updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import { unlinkRecords } from '../unlink-records.ts';

/**
 * ir.config_parameter's public API (odoo/addons/base/models/ir_config_parameter.py, 18.0):
 * - `get_param(key, default=False)`: the read right on the model (only Settings holds it), then
 *   the value read without record rules (`_get_param`'s plain SELECT); an empty value is the default;
 * - `set_param(key, value)`: the parameter searched as the caller, then written when `str(value)`
 *   differs, unlinked when value is False/None, or created; answers the previous value or False.
 * Each check is the ORM's own, so a member meets the same AccessError as in Odoo.
 */

/** psycopg2 adapts a number or a boolean to a literal PostgreSQL will not compare with varchar. */
function assertTextKey(key: unknown): void {
  if (typeof key === 'number' || typeof key === 'boolean') {
    const type = typeof key === 'boolean' ? 'boolean' : Number.isInteger(key) ? 'integer' : 'numeric';
    throw new OdooError('psycopg2.errors.UndefinedFunction', `operator does not exist: character varying = ${type}`);
  }
}

const unset = (value: unknown) => value === false || value === null || value === undefined;

async function storedValue(ctx: CallContext, key: unknown): Promise<string | null> {
  if (typeof key !== 'string') return null; // None: `key = NULL` finds nothing
  const { rows } = await ctx.db.query<{ value: string | null }>('SELECT value FROM ir_config_parameter WHERE key = $1', [key]);
  return rows[0]?.value ?? null;
}

const getParam: MethodSpec = {
  api: 'model',
  signature: { qualname: 'IrConfigParameter.get_param', params: [{ name: 'key' }, { name: 'default', default: false }] },
  async run(ctx, model, a) {
    ctx.access.checkModel(model, 'read');
    assertTextKey(a.key);
    return (await storedValue(ctx, a.key)) || a.default;
  },
};

function setParam(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'IrConfigParameter.set_param', params: [{ name: 'key' }, { name: 'value' }] },
    run: (ctx, model, a) =>
      inTransaction(ctx, async (tx) => {
        const w = { ctx: tx, behaviours };
        const found = await searchParam(tx, model, a.key);
        if (found.length) {
          const old = (await storedValue(tx, a.key)) ?? false;
          if (unset(a.value)) await unlinkRecords(w, model, found);
          else if (pythonStr(a.value) !== old) await updateRecords(w, model, found, { value: a.value });
          return old;
        }
        if (!unset(a.value)) await createRecords(w, model, [{ key: a.key, value: a.value }]);
        return false;
      }),
  };
}

async function searchParam(ctx: CallContext, model: ModelInfo, key: unknown): Promise<number[]> {
  ctx.access.checkModel(model, 'read');
  assertTextKey(key);
  return [...(await searchIds(ctx, model, searchSource(ctx, model, [['key', '=', key]], { order: null, limit: null, offset: 0 })))];
}

export function registerIrConfigParameter(behaviours: BehaviourRegistry): void {
  behaviours.register('ir.config_parameter', { methods: { get_param: getParam, set_param: setParam(behaviours) } });
}
