import type pg from 'pg';
import { quoteIdent as ident } from '../../../platform/quote-ident.ts';

/**
 * Document names drawn from a counter on both sides: the legacy `ir.sequence` (by code) and the
 * service's own PostgreSQL sequence. A unique name constraint makes them an id space of their
 * own: after a rollback the legacy counter must not hand out a name the service already gave.
 */
export interface NameSequence {
  table: string;
  column: string;
  legacyCode: string;
  serviceSequence: string;
  /** The names drawn from the counter; the number is their trailing digits. */
  pattern: string;
}

export const NAME_SEQUENCES: readonly NameSequence[] = [
  { table: 'service_orders', column: 'name', legacyCode: 'hp.service.order', serviceSequence: 'service_order_name_seq', pattern: '^SO/[0-9]{4}/[0-9]+$' },
  { table: 'orders', column: 'name', legacyCode: 'hp.mall.order', serviceSequence: 'mall_order_name_seq', pattern: '^MO/[0-9]{4}/[0-9]+$' },
];


/** Highest number a drawn name in `table` carries (0 if none). */
export async function highestNameNumber(db: pg.Pool, s: NameSequence): Promise<number> {
  const { rows } = await db.query<{ n: string | null }>(
    `SELECT max(substring(${ident(s.column)} from '[0-9]+$')::bigint)::text AS n FROM public.${ident(s.table)} WHERE ${ident(s.column)} ~ $1`,
    [s.pattern],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The legacy counter of an ir.sequence, as Odoo keeps it: `standard` in the PostgreSQL sequence
 * `ir_sequence_<id>`, `no_gap` in `number_next`. Date-range sequences keep one counter per
 * range and are not split (refused, so a module that has one cannot cut over unnoticed).
 */
export interface LegacyCounter {
  /** The next number legacy would hand out. */
  next(): Promise<number>;
  moveTo(next: number): Promise<void>;
}

export async function legacyCounter(legacy: pg.Pool, code: string): Promise<LegacyCounter | null> {
  const { rows } = await legacy.query<{ id: number; implementation: string; use_date_range: boolean | null }>(
    `SELECT id, implementation, use_date_range FROM ir_sequence WHERE code = $1 AND active ORDER BY id LIMIT 1`,
    [code],
  );
  const seq = rows[0];
  if (!seq) return null;
  if (seq.use_date_range) throw new Error(`ir.sequence ${code} uses date ranges: its name space cannot be split at cutover`);
  if (seq.implementation === 'no_gap') {
    return {
      next: async () => Number((await legacy.query<{ n: string }>('SELECT number_next::text AS n FROM ir_sequence WHERE id = $1', [seq.id])).rows[0]!.n),
      moveTo: async (next) => void (await legacy.query('UPDATE ir_sequence SET number_next = $2 WHERE id = $1', [seq.id, next])),
    };
  }
  const pgSequence = `ir_sequence_${String(seq.id).padStart(3, '0')}`;
  return {
    async next() {
      const { rows: r } = await legacy.query<{ last: string; called: boolean }>(`SELECT last_value::text AS last, is_called AS called FROM ${ident(pgSequence)}`);
      return Number(r[0]!.last) + (r[0]!.called ? 1 : 0);
    },
    moveTo: async (next) => void (await legacy.query('SELECT setval($1::regclass, $2, false)', [pgSequence, next])),
  };
}
