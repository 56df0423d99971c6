import { OdooError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { MethodSpec } from '../../methods/method.ts';
import { searchIds, searchSource } from '../../methods/search-source.ts';
import type { FieldInfo, ModelInfo } from '../../registry/types.ts';
import { pythonStr } from '../../../wire/xmlrpc/python-repr.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { columnValue } from '../field-values.ts';
import { createRecords, updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import { unlinkRecords } from '../unlink-records.ts';
import type { WriteEnv } from '../write-env.ts';
import { pythonJsonDumps } from './python-json.ts';

/**
 * ir.default's public API (odoo/addons/base/models/ir_default.py, 18.0):
 * - `set(model_name, field_name, value, user_id=False, company_id=False, condition=False)`: the
 *   field must exist ("Invalid field m.f") and the value convert to the field's cache format
 *   ("Invalid value for m.f: v"; an integer strictly inside ±2**31); `True` as user/company means
 *   the caller's; the row of the same scope (searched as the caller) is rewritten when its JSON
 *   differs, else one is created, through the ORM so ir.default's ACLs and its
 *   "alter personal/all defaults" rules decide who may; answers True;
 * - `discard_values(model_name, field_name, values)` / `discard_records(records)`: the matching
 *   rows searched as the caller and unlinked.
 * `_get` and `_get_model_defaults` are private (no RPC); default_get and create read the rows
 * themselves (write/ir-default-values.ts), so a default set is used by the next call.
 */

const UNSET = (v: unknown) => v === false || v === null || v === undefined;

/** `field.convert_to_cache(value)` succeeds (any failure is "Invalid value"); the integer it gives, for the bounds check. */
function cacheValueOk(model: ModelInfo, field: FieldInfo, value: unknown, lang: string): { ok: boolean; integer?: number } {
  try {
    switch (field.type) {
      case 'integer':
        return { ok: true, integer: columnValue(model, field, UNSET(value) ? 0 : value, lang, 'write') as number };
      case 'float':
      case 'monetary':
      case 'date':
      case 'datetime':
      case 'selection':
        columnValue(model, field, value, lang, 'write');
        return { ok: true };
      case 'one2many':
      case 'many2many':
        // _RelationalMulti.convert_to_cache: a list of ids/commands, a falsy value, or ids to browse.
        return { ok: Array.isArray(value) || UNSET(value) || typeof value === 'number' };
      default:
        // Char/Text/Html take str(value); Boolean bool(value); Many2one keeps an int and drops anything else.
        return { ok: true };
    }
  } catch {
    return { ok: false };
  }
}

/** `user_id`/`company_id` as `set` takes them: True is the caller's, anything else as given. */
function scopeOf(ctx: CallContext, value: unknown, which: 'user' | 'company'): unknown {
  if (value !== true) return value ?? false;
  return which === 'user' ? ctx.uid : (ctx.access.companyId ?? false);
}

async function fieldId(ctx: CallContext, modelName: unknown, fieldName: unknown): Promise<number | false> {
  if (typeof modelName !== 'string' || typeof fieldName !== 'string') return false;
  const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM ir_model_fields WHERE model = $1 AND name = $2', [modelName, fieldName]);
  return rows[0]?.id ?? false;
}

function search(ctx: CallContext, model: ModelInfo, domain: unknown[], limit: number | null = null): Promise<number[]> {
  ctx.access.checkModel(model, 'read');
  return searchIds(ctx, model, searchSource(ctx, model, domain, { order: null, limit, offset: 0 })).then((ids) => [...ids]);
}

function setMethod(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: {
      qualname: 'IrDefault.set',
      params: [{ name: 'model_name' }, { name: 'field_name' }, { name: 'value' }, { name: 'user_id', default: false }, { name: 'company_id', default: false }, { name: 'condition', default: false }],
    },
    run: (ctx, irDefault, a) =>
      inTransaction(ctx, async (tx) => {
        const w: WriteEnv = { ctx: tx, behaviours };
        const userId = scopeOf(tx, a.user_id, 'user');
        const companyId = scopeOf(tx, a.company_id, 'company');
        const target = typeof a.model_name === 'string' ? tx.registry.model(a.model_name) : undefined;
        const field = typeof a.field_name === 'string' ? target?.fields.get(a.field_name) : undefined;
        if (!target || !field) throw validationError(`Invalid field ${pythonStr(a.model_name)}.${pythonStr(a.field_name)}`);
        const parsed = cacheValueOk(target, field, a.value, tx.lang);
        const invalid = `Invalid value for ${target.name}.${field.name}: ${pythonStr(a.value)}`;
        if (!parsed.ok) throw validationError(invalid);
        if (parsed.integer !== undefined && !(parsed.integer > -(2 ** 31) && parsed.integer < 2 ** 31 - 1)) {
          throw validationError(`${invalid} is out of bounds (integers should be between -2,147,483,648 and 2,147,483,647)`);
        }
        const json = pythonJsonDumps(a.value);
        const id = await fieldId(tx, target.name, field.name);
        const found = await search(tx, irDefault, [
          ['field_id', '=', id],
          ['user_id', '=', userId],
          ['company_id', '=', companyId],
          ['condition', '=', a.condition ?? false],
        ]);
        if (found.length) {
          const { rows } = await tx.db.query<{ json_value: string }>('SELECT json_value FROM ir_default WHERE id = ANY($1::int4[]) ORDER BY id', [found]);
          // `default.json_value != json_value` on a recordset of one; several rows of one scope make Python's ensure_one fail.
          if (rows.length > 1) throw new OdooError('builtins.ValueError', `Expected singleton: ir.default(${found.join(', ')})`);
          if (rows[0]!.json_value !== json) await updateRecords(w, irDefault, found, { json_value: json });
        } else {
          await createRecords(w, irDefault, [{ field_id: id, user_id: userId, company_id: companyId, condition: a.condition ?? false, json_value: json }]);
        }
        return true;
      }),
  };
}

function discardValues(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'IrDefault.discard_values', params: [{ name: 'model_name' }, { name: 'field_name' }, { name: 'values' }] },
    run: (ctx, irDefault, a) =>
      inTransaction(ctx, async (tx) => {
        // Python iterates `values`: a string is its characters; anything not iterable is a TypeError.
        const values = typeof a.values === 'string' ? [...a.values] : a.values;
        if (!Array.isArray(values)) throw new OdooError('builtins.TypeError', `'${pyTypeName(a.values)}' object is not iterable`);
        const id = await fieldId(tx, a.model_name, a.field_name);
        const found = await search(tx, irDefault, [['field_id', '=', id], ['json_value', 'in', values.map(pythonJsonDumps)]]);
        return unlinkRecords({ ctx: tx, behaviours }, irDefault, found);
      }),
  };
}

/** `discard_records(records)` reads `records.ids`: over RPC no recordset can be given, so Python fails on the value's type. */
const discardRecords: MethodSpec = {
  api: 'model',
  signature: { qualname: 'IrDefault.discard_records', params: [{ name: 'records' }] },
  run: async (_ctx, _model, a) => {
    throw new OdooError('builtins.AttributeError', `'${pyTypeName(a.records)}' object has no attribute 'ids'`);
  },
};

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

export function registerIrDefault(behaviours: BehaviourRegistry): void {
  behaviours.register('ir.default', {
    methods: { set: setMethod(behaviours), discard_values: discardValues(behaviours), discard_records: discardRecords },
    checks: {
      // `_check_json_format`: json_value must parse as JSON.
      _check_json_format: {
        reads: ['json_value'],
        values: (_ctx, rows) => {
          for (const row of rows) {
            try {
              JSON.parse(String(row.json_value));
            } catch {
              throw validationError('Invalid JSON format in Default Value field.');
            }
          }
        },
      },
    },
  });
}
