import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { readAsUser, readFirstAsCaller } from './checked-read.ts';
import { idsOf, type MethodSpec } from './method.ts';

/**
 * Button methods that only read their record and answer an action dict (no write, no side
 * effect), run natively: `ensure_one()`, then the fields they read, as the caller (read right,
 * MissingError, record rules), then the dict Odoo's method builds from them.
 */
const RECORD_ACTIONS: Readonly<Record<string, Readonly<Record<string, RecordAction>>>> = {
  'res.partner': {
    // odoo/addons/base/models/res_partner.py open_commercial_entity: the "Open Company" button.
    open_commercial_entity: {
      qualname: 'Partner.open_commercial_entity',
      reads: ['commercial_partner_id'],
      build: (record) => ({
        type: 'ir.actions.act_window',
        res_model: 'res.partner',
        view_mode: 'form',
        res_id: many2oneId(record.commercial_partner_id),
        target: 'current',
      }),
    },
  },
};

interface RecordAction {
  qualname: string;
  /** The fields the method reads from `self`. */
  reads: string[];
  build: (record: Record<string, unknown>) => Record<string, unknown>;
}

/** The native record action `model.method`, if it is one and the model is in the registry. */
export function recordActionMethod(model: string, method: string): MethodSpec | undefined {
  const action = Object.hasOwn(RECORD_ACTIONS, model) && Object.hasOwn(RECORD_ACTIONS[model]!, method) ? RECORD_ACTIONS[model]![method] : undefined;
  if (!action) return undefined;
  return {
    api: 'records',
    signature: { qualname: action.qualname, params: [] },
    async run(ctx: CallContext, info: ModelInfo, _args, ids) {
      const records = idsOf(ids);
      if (records.length !== 1) throw valueError(`Expected singleton: ${info.name}(${records.join(', ')})`);
      await readFirstAsCaller(ctx, info, records);
      const [record] = await readAsUser(ctx, info, records, action.reads, '_classic_read');
      return action.build(record ?? {});
    },
  };
}

/** A many2one as `read` gives it (`[id, name]` or False), as `record.field.id` reads: the id or False. */
function many2oneId(value: unknown): number | false {
  return Array.isArray(value) && typeof value[0] === 'number' ? value[0] : typeof value === 'number' ? value : false;
}
