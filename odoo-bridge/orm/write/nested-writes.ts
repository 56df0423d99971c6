import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { WriteEnv } from './write-env.ts';

/**
 * create, write and unlink as a write reaches them again for other records: x2many commands
 * create, update or delete lines, and an `_inherits` child creates or writes its parent. Create
 * and write reach each other this way, so they receive the operations (wired together once, in
 * record-writes.ts) instead of importing each other.
 */
export interface RecordWrites {
  create(w: WriteEnv, model: ModelInfo, valsList: Vals[], options?: { checkAccess?: boolean }): Promise<number[]>;
  update(w: WriteEnv, model: ModelInfo, ids: number[], vals: Vals, options?: { checkAccess?: boolean }): Promise<true>;
  unlink(w: WriteEnv, model: ModelInfo, ids: number[], options?: { checkAccess?: boolean }): Promise<true>;
}
