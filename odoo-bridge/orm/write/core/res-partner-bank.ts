import { missingBehaviour, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';

/**
 * res.partner.bank's stored computes (odoo/addons/base/models/res_bank.py, addons/account/models/res_partner_bank.py, 18.0):
 * - `sanitized_acc_number` = `sanitize_account_number(acc_number)`: the number without its
 *   non-word characters, upper-cased; False for an empty number (the `unique(sanitized_acc_number,
 *   partner_id)` constraint then compares it).
 * - account's `has_iban_warning` / `has_money_transfer_warning` (`_compute_display_account_warning`)
 *   are False unless `acc_type` is 'iban' and the account is not trusted for payments; `acc_type`
 *   is 'bank' in base and becomes 'iban' only through base_iban's IBAN validation
 *   (`retrieve_acc_type`), which Ficus does not port: with base_iban installed the warnings are refused.
 */
async function computeSanitizedNumber(ctx: CallContext, ids: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE res_partner_bank SET sanitized_acc_number =
       CASE WHEN acc_number IS NULL OR acc_number = '' THEN NULL ELSE upper(regexp_replace(acc_number, '\\W+', '', 'g')) END
     WHERE id = ANY($1::int4[])`,
    [ids],
  );
}

async function computeAccountWarnings(ctx: CallContext, ids: number[]): Promise<void> {
  const iban = await ctx.db.query(`SELECT 1 FROM ir_module_module WHERE name = 'base_iban' AND state IN ('installed', 'to upgrade')`);
  if (iban.rowCount) throw missingBehaviour('res.partner.bank', "the IBAN warnings (base_iban's acc_type)");
  await ctx.db.query('UPDATE res_partner_bank SET has_iban_warning = false, has_money_transfer_warning = false WHERE id = ANY($1::int4[])', [ids]);
}

/**
 * account's constraints on res.partner.bank: `_check_allow_out_payment` (an account trusted for
 * outgoing payments needs the user in account.group_validate_bank_account, groups as stored with
 * their implied ones in res_groups_users_rel) and `_check_journal_id` (one bank journal at most).
 */
async function checkAllowOutPayment(ctx: CallContext, ids: number[]): Promise<void> {
  const trusted = await ctx.db.query('SELECT 1 FROM res_partner_bank WHERE id = ANY($1::int4[]) AND allow_out_payment LIMIT 1', [ids]);
  if (!trusted.rowCount) return;
  const member = await ctx.db.query(
    `SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
      WHERE r.uid = $1 AND d.module = 'account' AND d.name = 'group_validate_bank_account' LIMIT 1`,
    [ctx.uid],
  );
  if (!member.rowCount) throw validationError('You do not have the right to trust or un-trust a bank account.');
}

async function checkJournal(ctx: CallContext, ids: number[]): Promise<void> {
  const shared = await ctx.db.query(
    'SELECT 1 FROM account_journal WHERE bank_account_id = ANY($1::int4[]) GROUP BY bank_account_id HAVING count(*) > 1 LIMIT 1',
    [ids],
  );
  if (shared.rowCount) throw validationError('A bank account can belong to only one journal.');
}

export function registerResPartnerBank(behaviours: BehaviourRegistry): void {
  behaviours.register('res.partner.bank', {
    compute: {
      sanitized_acc_number: computeSanitizedNumber,
      has_iban_warning: computeAccountWarnings,
      has_money_transfer_warning: computeAccountWarnings,
    },
    checks: {
      _check_allow_out_payment: { flushed: checkAllowOutPayment },
      _check_journal_id: { flushed: checkJournal },
    },
  });
}
