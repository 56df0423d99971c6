import { OdooError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { Bound, Signature } from '../dispatch/signature.ts';
import type { ModelInfo } from '../registry/types.ts';

/**
 * One RPC-callable ORM method. `model` methods (`@api.model`) receive `args` as they are;
 * `records` methods take `args[0]` as the ids (an int or a list), as Odoo's `call_kw` does.
 * The write engineer adds create/write/unlink… as more entries of the same table.
 */
export interface MethodSpec {
  readonly api: 'model' | 'records';
  readonly signature: Signature;
  run(ctx: CallContext, model: ModelInfo, args: Bound, ids: unknown): Promise<unknown>;
}

export type MethodTable = Readonly<Record<string, MethodSpec>>;

/** `browse(ids)` input: one id or a list of them; anything else yields no records. */
export function idsOf(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return [];
}

/**
 * Odoo's falsy checks for paging arguments: `limit` 0/False/None/'' = no limit, `offset` falsy = 0.
 * A truthy string goes to PostgreSQL as the `LIMIT %s`/`OFFSET %s` parameter, which reads it as a
 * bigint: digits are that number, anything else is PostgreSQL's invalid-input error.
 */
export function limitOf(value: unknown): number | null {
  const given = pagingNumber(value);
  return given !== undefined && given > 0 ? Math.floor(given) : null;
}
export function offsetOf(value: unknown): number {
  const given = pagingNumber(value);
  return given !== undefined && given > 0 ? Math.floor(given) : 0;
}
function pagingNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  throw new OdooError('psycopg2.errors.InvalidTextRepresentation', `invalid input syntax for type bigint: "${value}"`);
}
export function orderOf(value: unknown, model: ModelInfo): string {
  return typeof value === 'string' && value.trim() ? value : model.order;
}
