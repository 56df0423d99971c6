import type { CallContext } from '../call-context.ts';
import type { MethodTable } from '../methods/method.ts';
import type { ModelInfo } from '../registry/types.ts';
import { typeError } from '../../errors.ts';
import { inTransaction } from './transaction.ts';

export interface ResequenceArguments {
  ids: unknown;
  field: unknown;
  offset: unknown;
}

/**
 * web's dataset.py `resequence`: the field must be one fields_get describes to the user (else
 * False); then `record.write({field: i + offset})` for each id in order, every write in the one
 * transaction of the route (the first refusal, a missing record or the write right, undoes all).
 */
export function resequenceWork(methods: MethodTable) {
  return async (ctx: CallContext, model: ModelInfo, { ids, field, offset }: ResequenceArguments): Promise<boolean> => {
    const described = (await methods.fields_get!.run(ctx, model, { allfields: [field], attributes: null }, undefined)) as Record<string, unknown>;
    if (Object.keys(described).length === 0) return false;
    const records = browseIds(ids);
    return inTransaction(ctx, async (tx) => {
      for (const [index, id] of records.entries()) {
        await methods.write!.run(tx, model, { vals: { [String(field)]: pythonIntPlus(index, offset) } }, [id]);
      }
      return true;
    });
  };
}

/** `browse(ids)`: nothing for a falsy value, one id for an int, else the items of the iterable (a string's characters). */
function browseIds(ids: unknown): unknown[] {
  if (ids === null || ids === undefined || ids === false || ids === 0 || ids === '') return [];
  if (typeof ids === 'number') return [ids];
  if (Array.isArray(ids)) return ids;
  if (typeof ids === 'string') return [...ids];
  if (typeof ids === 'object') return Object.keys(ids);
  return [ids];
}

/** `i + offset` in Python: an int, a bool (1/0) or a float adds; anything else is the TypeError Python words. */
function pythonIntPlus(index: number, offset: unknown): number {
  if (typeof offset === 'number') return index + offset;
  if (typeof offset === 'boolean') return index + (offset ? 1 : 0);
  throw typeError(`unsupported operand type(s) for +: 'int' and '${pythonTypeName(offset)}'`);
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
