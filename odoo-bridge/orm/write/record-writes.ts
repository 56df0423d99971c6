import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { createRecordsWith } from './create-records.ts';
import type { RecordWrites } from './nested-writes.ts';
import { unlinkRecords } from './unlink-records.ts';
import { updateRecordsWith } from './update-records.ts';
import type { WriteEnv } from './write-env.ts';

/** `BaseModel.create(vals_list)`: see create-records.ts. */
export function createRecords(w: WriteEnv, model: ModelInfo, valsList: Vals[], options: { checkAccess?: boolean } = {}): Promise<number[]> {
  return createRecordsWith(RECORD_WRITES, w, model, valsList, options);
}

/** `BaseModel.write(vals)`: see update-records.ts. */
export function updateRecords(w: WriteEnv, model: ModelInfo, ids: number[], vals: Vals, options: { checkAccess?: boolean } = {}): Promise<true> {
  return updateRecordsWith(RECORD_WRITES, w, model, ids, vals, options);
}

/** The one wiring of create, write and unlink for the nested writes of x2many commands and `_inherits` parents. */
const RECORD_WRITES: RecordWrites = { create: createRecords, update: updateRecords, unlink: unlinkRecords };
