import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';

/**
 * account.tax's tracking (addons/account/models/account_tax.py 18): its `_message_log` override
 * logs nothing for a tax no journal item or reconciliation model line uses (`is_used`), and for a
 * used one replaces the `repartition_lines_str` tracking value by "repartition line" messages
 * (`_message_log_repartition_lines`), which Ficus does not write: refused clearly.
 */

/** `_compute_is_used` without other modules' hooks (none installed overrides `_hook_compute_is_used`): the used ids among `ids`. */
export async function usedTaxIds(ctx: CallContext, ids: readonly number[]): Promise<Set<number>> {
  const r = await ctx.db.query<{ id: number }>(
    `SELECT t.id FROM account_tax t WHERE t.id = ANY($1::int4[])
        AND (EXISTS (SELECT 1 FROM account_move_line_account_tax_rel r WHERE r.account_tax_id = t.id)
             OR (to_regclass('account_reconcile_model_line_account_tax_rel') IS NOT NULL
                 AND EXISTS (SELECT 1 FROM account_reconcile_model_line_account_tax_rel r WHERE r.account_tax_id = t.id)))`,
    [[...ids]],
  );
  return new Set(r.rows.map((row) => row.id));
}

/**
 * `repartition_lines_str` as tracking compares it: '' for an unused tax (it keeps its empty
 * cache), else the lines' tracked facts (factor, account, grids, tax closing) by document type and
 * rank — equal exactly when Odoo's dict text is.
 */
export async function repartitionLinesStr(ctx: CallContext, ids: number[]): Promise<Map<number, unknown>> {
  const used = await usedTaxIds(ctx, ids);
  const out = new Map<number, unknown>(ids.map((id) => [id, '']));
  if (!used.size) return out;
  const r = await ctx.db.query<{ tax_id: number; lines: unknown }>(
    `SELECT l.tax_id, json_agg(json_build_array(l.document_type, l.factor_percent, l.account_id, l.use_in_tax_closing,
              (SELECT array_agg(t.account_account_tag_id ORDER BY t.account_account_tag_id) FROM account_account_tag_account_tax_repartition_line_rel t WHERE t.account_tax_repartition_line_id = l.id))
              ORDER BY l.document_type, l.sequence, l.id) AS lines
       FROM account_tax_repartition_line l WHERE l.tax_id = ANY($1::int4[]) GROUP BY l.tax_id`,
    [[...used]],
  );
  for (const id of used) out.set(id, JSON.stringify(r.rows.find((row) => row.tax_id === id)?.lines ?? []));
  return out;
}

/** Whether the tracking note of tax `id` is logged (`_message_log`): not for an unused tax; a used one whose lines changed is refused. */
export async function accountTaxLogsTracking(ctx: CallContext, id: number, changed: ReadonlySet<string>): Promise<boolean> {
  if (!(await usedTaxIds(ctx, [id])).has(id)) return false;
  if (changed.has('repartition_lines_str')) throw missingBehaviour('account.tax', 'the tracking of the repartition lines of a used tax (_message_log_repartition_lines)');
  return true;
}
