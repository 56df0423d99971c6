import { sql } from 'kysely';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import { compileWhere } from '../domain/compile.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { missingBehaviour } from '../../errors.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { englishCardinal, pythonTitle } from './number-words.ts';
import { isZero, roundTo } from '../write/sale/float-round.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';

/**
 * Non-stored computes of account.move (and so of account.bank.statement.line, which inherits it
 * through `_inherits`) that are the record's own data and arithmetic, from account/models/account_move.py
 * (Odoo 18) unless said otherwise:
 *
 * | field | value |
 * |---|---|
 * | needed_terms_dirty | True (`_compute_needed_terms` sets it first) |
 * | type_name | move_type's label, "Invoice" / "Credit Note" for customer ones |
 * | direction_sign | 1 for entries and outbound types (in_invoice, out_refund, in_receipt), else -1 |
 * | invoice_filter_type_domain | 'sale' / 'purchase' by move type (receipts included), else False |
 * | tax_country_id / tax_country_code | the fiscal position's country when it has a foreign VAT, else the company's fiscal country |
 * | move_sent_values | 'sent' / 'not_sent' from is_move_sent |
 * | hide_post_button | not draft, or auto-posted later than today (context_today) |
 * | show_reset_to_draft_button | not hashed, not restricted (posted in a hash-restricted journal), and cancelled or posted (need_cancel_request is False in stock account) |
 * | need_cancel_request | False (`_need_cancel_request` of stock account; l10n EDI modules override it) |
 * | secured / is_being_sent | bool(inalterable_hash) / bool(sending_data) |
 * | quick_edit_mode | the company's quick_edit_mode covers the journal's type |
 * | show_delivery_date | a delivery date on a sale document |
 * | display_qr_code | customer/vendor invoice or receipt and the company's qr_code |
 * | status_in_payment | the state when draft or cancel, else payment_state |
 * | payment_count | matched payments (`matched_payment_ids`) |
 * | bank_partner_id | the company's partner on inbound moves, else the commercial partner |
 * | display_inactive_currency_warning | draft with an archived currency |
 * | show_payment_term_details / show_discount_details | open invoices/receipts: more than one payment term line or an early discount / the early discount |
 * | invoice_pdf_report_id | the ir.attachment of invoice_pdf_report_file (searched as the reader) |
 * | access_url / access_warning | portal.mixin: '#', '/my/invoices/<id>' for invoices / '' |
 * | next_payment_date | the earliest payment_date of its unreconciled lines |
 * | suitable_journal_ids | journals (searched as the reader) of the move's company or none, of the type its invoice_filter_type_domain names, else general |
 * | has_reconciled_entries | `_reconciled_lines()` counts more than one: each reconciled line and the lines its partials match on its side |
 * | taxes_legal_notes | the non-empty invoice_legal_notes of its lines' taxes, each tax once in line order |
 * | duplicated_ref_ids | `_fetch_duplicate_reference`: same company, type and commercial partner (or none, the other draft), draft or posted; customer ones same total and invoice date, vendor ones (with a ref) same ref and invoice date (or this one draft) |
 * | transaction_count / amount_paid / authorized_transaction_ids | account_payment: its transactions as the reader's rules let it see them / the authorized and done ones' amounts / the authorized ones (sudo) |
 * | sale_order_count | sale: the orders of its lines' sale lines |
 * | ubl_cii_xml_id | account_edi_ubl_cii: the ir.attachment of ubl_cii_xml_file |
 * | abnormal_amount_warning / abnormal_date_warning | False outside draft vendor bills/refunds with an amount (context disable_abnormal_invoice_detection: always), and while fewer than 10 earlier posted invoices of the partner, type, company and currency back the statistics (the warning texts past that are refused) |
 * | tax_lock_date_message | False when no lock date of the company or a parent that can apply reaches the move's date (`_get_violated_lock_dates` finds none); the message for a move within a lock date is refused |
 * | partner_credit_warning | '' unless a draft customer invoice of a company using credit limits (refused then: it needs tax_totals) |
 * | invoice_outstanding_credits_debits_widget / invoice_has_outstanding | posted unpaid or partly paid invoices and receipts: the reader's unreconciled posted items (search as the reader, in the item `_order`) of the commercial partner on the accounts of its receivable/payable lines, on the other side (credits for inbound moves, debits otherwise), with a residual; each one's residual in the move currency (its own when the same, else the company amount converted at the item date, rounded), zero ones dropped; no item: False / False |
 * | payment_term_details | when show_payment_term_details: its payment term lines by due date, each {date: the due date in the reader's language date format (%d, %m, %Y, %y and separators; other directives refused), amount: amount_currency signed +1 inbound / -1 otherwise}; else False |
 * | quick_encoding_vals | False without quick edit mode or a quick-edit total (the suggestions past that refused) |
 * | needed_terms | {} for a move that is no invoice or receipt, or has no invoice line (statement lines' moves); an invoice's terms (keyed by frozendicts, which no RPC protocol can carry) are refused |
 * | amount_total_words | res.currency `amount_to_text(amount_total)` without commas: "<integral> <unit>[ and <fraction> <subunit>]" in num2words English, title-cased (other languages refused) |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const OUTBOUND = ['in_invoice', 'out_refund', 'in_receipt'];
const SALE = ['out_invoice', 'out_refund', 'out_receipt'];
const PURCHASE = ['in_invoice', 'in_refund', 'in_receipt'];
const INVOICES = ['out_invoice', 'out_refund', 'in_invoice', 'in_refund'];
const TYPE_NAMES: Readonly<Record<string, string>> = {
  entry: 'Journal Entry', out_invoice: 'Invoice', out_refund: 'Credit Note', in_invoice: 'Vendor Bill',
  in_refund: 'Vendor Credit Note', out_receipt: 'Sales Receipt', in_receipt: 'Purchase Receipt',
};

/** `fields.Date.context_today`: today in the context's timezone, else the reader's, else UTC. */
function contextToday(scope: ComputeScope): Sql {
  const tz = typeof scope.env.context?.tz === 'string' && scope.env.context.tz ? scope.env.context.tz : null;
  const userTz = sql`(SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${sql.lit(scope.uid)})`;
  return sql`(now() AT TIME ZONE COALESCE(${tz}::text, ${userTz}, 'UTC'))::date`;
}

const fiscalPositionForeign = (a: string) => sql`(SELECT fp.country_id FROM account_fiscal_position fp WHERE fp.id = ${column(a, 'fiscal_position_id')} AND COALESCE(fp.foreign_vat, '') <> '')`;
const taxCountry = (a: string) => sql`CASE WHEN EXISTS (SELECT 1 FROM account_fiscal_position fp WHERE fp.id = ${column(a, 'fiscal_position_id')} AND COALESCE(fp.foreign_vat, '') <> '')
  THEN ${fiscalPositionForeign(a)} ELSE (SELECT c.account_fiscal_country_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}) END`;

export const ACCOUNT_MOVE_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'account.move.needed_terms_dirty': { dependsOn: [], compute: () => true },
  // `_compute_type_name` (labels in English: the served databases' language).
  'account.move.type_name': { dependsOn: ['move_type'], compute: (r) => TYPE_NAMES[String(r.move_type)] ?? false },
  // `_compute_direction_sign` (`is_outbound()`).
  'account.move.direction_sign': { dependsOn: ['move_type'], compute: (r) => (r.move_type === 'entry' || OUTBOUND.includes(String(r.move_type)) ? 1 : -1) },
  // `_compute_invoice_filter_type_domain`.
  'account.move.invoice_filter_type_domain': {
    dependsOn: ['move_type'],
    compute: (r) => (SALE.includes(String(r.move_type)) ? 'sale' : PURCHASE.includes(String(r.move_type)) ? 'purchase' : false),
  },
  // `_compute_tax_country_id` / `_compute_tax_country_code`.
  'account.move.tax_country_id': {
    dependsOn: [], readsTables: ['account_fiscal_position', 'res_company'], many2one: 'res.country',
    select: (a) => taxCountry(a),
    compute: (r) => r.tax_country_id ?? false,
  },
  'account.move.tax_country_code': {
    dependsOn: [], readsTables: ['account_fiscal_position', 'res_company', 'res_country'],
    select: (a) => sql`(SELECT co.code FROM res_country co WHERE co.id = ${taxCountry(a)})`,
    compute: (r) => r.tax_country_code ?? false,
  },
  // `compute_move_sent_values`.
  'account.move.move_sent_values': { dependsOn: ['is_move_sent'], compute: (r) => (r.is_move_sent ? 'sent' : 'not_sent') },
  // `_compute_hide_post_button`.
  'account.move.hide_post_button': {
    dependsOn: ['state'], readsTables: [],
    select: (a, scope) => sql`(COALESCE(${column(a, 'auto_post')}, 'no') <> 'no' AND ${column(a, 'date')} > ${contextToday(scope)})`,
    compute: (r) => r.state !== 'draft' || r.hide_post_button === true,
  },
  // `_compute_show_reset_to_draft_button` (`_is_move_restricted`: posted in a journal restricting by hash).
  'account.move.show_reset_to_draft_button': {
    dependsOn: ['state', 'inalterable_hash'], readsTables: ['account_journal'],
    select: (a) => sql`COALESCE((SELECT j.restrict_mode_hash_table FROM account_journal j WHERE j.id = ${column(a, 'journal_id')}), false)`,
    compute: (r) => !(r.show_reset_to_draft_button === true && r.state === 'posted') && !r.inalterable_hash && (r.state === 'cancel' || r.state === 'posted'),
  },
  'account.move.need_cancel_request': { dependsOn: [], compute: () => false },
  'account.move.secured': { dependsOn: ['inalterable_hash'], compute: (r) => Boolean(r.inalterable_hash) },
  'account.move.is_being_sent': {
    dependsOn: [], readsTables: [],
    select: (a) => sql`(${column(a, 'sending_data')} IS NOT NULL AND ${column(a, 'sending_data')}::jsonb NOT IN ('null'::jsonb, '{}'::jsonb, '[]'::jsonb, 'false'::jsonb, '""'::jsonb, '0'::jsonb))`,
    compute: (r) => r.is_being_sent === true,
  },
  // `_compute_quick_edit_mode`.
  'account.move.quick_edit_mode': {
    dependsOn: [], readsTables: ['account_journal', 'res_company'],
    select: (a) => sql`(SELECT CASE j.type WHEN 'sale' THEN c.quick_edit_mode IN ('out_invoices', 'out_and_in_invoices')
        WHEN 'purchase' THEN c.quick_edit_mode IN ('in_invoices', 'out_and_in_invoices') ELSE false END
      FROM res_company c LEFT JOIN account_journal j ON j.id = ${column(a, 'journal_id')} WHERE c.id = ${column(a, 'company_id')})`,
    compute: (r) => r.quick_edit_mode === true,
  },
  // `_compute_show_delivery_date`: `delivery_date and is_sale_document()`.
  'account.move.show_delivery_date': {
    dependsOn: ['delivery_date', 'move_type'],
    compute: (r) => (r.delivery_date ? SALE.slice(0, 2).includes(String(r.move_type)) : false),
  },
  // `_compute_display_qr_code`.
  'account.move.display_qr_code': {
    dependsOn: ['move_type'], readsTables: ['res_company'],
    select: (a) => sql`COALESCE((SELECT c.qr_code FROM res_company c WHERE c.id = ${column(a, 'company_id')}), false)`,
    compute: (r) => ['out_invoice', 'out_receipt', 'in_invoice', 'in_receipt'].includes(String(r.move_type)) && r.display_qr_code === true,
  },
  // `_compute_status_in_payment`.
  'account.move.status_in_payment': {
    dependsOn: ['state', 'payment_state'],
    compute: (r) => (r.state === 'draft' || r.state === 'cancel' ? r.state : r.payment_state ?? false),
  },
  // `_compute_payment_count`: len(matched_payment_ids).
  'account.move.payment_count': {
    dependsOn: [], readsTables: ['account_move__account_payment'],
    select: (a) => sql`(SELECT count(*)::int FROM account_move__account_payment r WHERE r.invoice_id = ${column(a, 'id')})`,
    compute: (r) => Number(r.payment_count ?? 0),
  },
  // `_compute_bank_partner_id` (`is_inbound()`: out_invoice, in_refund, out_receipt).
  'account.move.bank_partner_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.partner',
    select: (a) => sql`CASE WHEN ${column(a, 'move_type')} IN ('out_invoice', 'in_refund', 'out_receipt')
      THEN (SELECT c.partner_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}) ELSE ${column(a, 'commercial_partner_id')} END`,
    compute: (r) => r.bank_partner_id ?? false,
  },
  // `_compute_display_inactive_currency_warning`.
  'account.move.display_inactive_currency_warning': {
    dependsOn: ['state'], readsTables: ['res_currency'],
    select: (a) => sql`COALESCE((SELECT NOT cur.active FROM res_currency cur WHERE cur.id = ${column(a, 'currency_id')}), false)`,
    compute: (r) => r.state === 'draft' && r.display_inactive_currency_warning === true,
  },
  'account.move.show_payment_term_details': paymentTermDetails('show_payment_term_details'),
  'account.move.show_discount_details': paymentTermDetails('show_discount_details'),
  // `_compute_linked_attachment_id('invoice_pdf_report_id', 'invoice_pdf_report_file')`: ir.attachment searched as the
  // reader; the attachments of a move are readable with the move, which the reader is reading.
  'account.move.invoice_pdf_report_id': {
    dependsOn: [], readsTables: ['ir_attachment'], many2one: 'ir.attachment',
    select: (a) => sql`(SELECT min(i.id) FROM ir_attachment i WHERE i.res_model = 'account.move' AND i.res_id = ${column(a, 'id')} AND i.res_field = 'invoice_pdf_report_file')`,
    compute: (r) => r.invoice_pdf_report_id ?? false,
  },
  // portal.mixin `_compute_access_url` ('#') and account_move.py's override for invoices.
  'account.move.access_warning': { dependsOn: [], compute: () => '' },
  // `_compute_next_payment_date` (line payment_date: the discount date while today <= it, else the due date).
  'account.move.next_payment_date': {
    dependsOn: [], readsTables: ['account_move_line'],
    select: (a) => sql`(SELECT to_char(min(CASE WHEN l.discount_date IS NOT NULL AND (now() AT TIME ZONE 'UTC')::date <= l.discount_date THEN l.discount_date ELSE l.date_maturity END), 'YYYY-MM-DD')
      FROM account_move_line l WHERE l.move_id = ${column(a, 'id')} AND NOT COALESCE(l.reconciled, false))`,
    compute: (r) => r.next_payment_date ?? false,
  },
  // `_compute_suitable_journal_ids`: account.journal.search(_check_company_domain(company) + type), as the reader.
  'account.move.suitable_journal_ids': {
    dependsOn: [], readsTables: ['account_journal'],
    select: (a, scope) => {
      const journals = searchAsReader(scope, 'account.journal', []);
      const j = (name: string) => sql.ref(`${journals.alias}.${name}`);
      const type = sql`CASE WHEN ${column(a, 'move_type')} = ANY(${sql.val(SALE)}::text[]) THEN 'sale' WHEN ${column(a, 'move_type')} = ANY(${sql.val(PURCHASE)}::text[]) THEN 'purchase' ELSE 'general' END`;
      return sql`(SELECT COALESCE(json_agg(${j('id')} ORDER BY ${j('sequence')}, ${j('type')}, ${j('code')}, ${j('id')}), '[]') FROM ${sql.table(journals.table)} AS ${sql.table(journals.alias)}
        WHERE (${j('company_id')} IS NULL OR ${j('company_id')} = COALESCE(${column(a, 'company_id')}, ${scope.env.companyId ?? null}::int4)) AND ${j('type')} = ${type} AND ${journals.where})`;
    },
    compute: (r) => json(r.suitable_journal_ids),
  },
  // `_compute_has_reconciled_entries` / account_move_line.py `_reconciled_lines`.
  'account.move.has_reconciled_entries': {
    dependsOn: [], readsTables: ['account_move_line', 'account_partial_reconcile'],
    select: (a) => sql`((SELECT COALESCE(sum(1 + CASE WHEN l.credit > 0 THEN (SELECT count(*) FROM account_partial_reconcile p WHERE p.credit_move_id = l.id)
                                   ELSE (SELECT count(*) FROM account_partial_reconcile p WHERE p.debit_move_id = l.id) END), 0)
        FROM account_move_line l WHERE l.move_id = ${column(a, 'id')} AND l.reconciled) > 1)`,
    compute: (r) => r.has_reconciled_entries === true,
  },
  // `_compute_taxes_legal_notes`: OrderedSet(line_ids.tax_ids): a move's lines share date and name, so
  // account.move.line `_order` is their id; each line's taxes in account.tax `_order` (sequence, id).
  'account.move.taxes_legal_notes': {
    dependsOn: [], readsTables: ['account_move_line', 'account_move_line_account_tax_rel', 'account_tax'],
    select: (a) => sql`(SELECT COALESCE(json_agg(x.notes ORDER BY x.pos), '[]') FROM (
        SELECT t.invoice_legal_notes AS notes, min(ARRAY[l.id, COALESCE(t.sequence, 0), t.id]) AS pos
          FROM account_move_line l JOIN account_move_line_account_tax_rel rel ON rel.account_move_line_id = l.id JOIN account_tax t ON t.id = rel.account_tax_id
         WHERE l.move_id = ${column(a, 'id')} GROUP BY t.id, t.invoice_legal_notes) x)`,
    compute: (r) => json<(string | null)[]>(r.taxes_legal_notes).filter((note) => note && !isHtmlEmpty(note)).join(''),
  },
  // `_compute_duplicated_ref_ids` / `_fetch_duplicate_reference` (raw SQL).
  'account.move.duplicated_ref_ids': {
    dependsOn: [], readsTables: ['account_move'],
    select: (a) => sql`(SELECT COALESCE(json_agg(d.id ORDER BY d.id), '[]') FROM account_move d
      WHERE (${column(a, 'move_type')} IN ('out_invoice', 'out_refund') OR (${column(a, 'move_type')} IN ('in_invoice', 'in_refund') AND COALESCE(${column(a, 'ref')}, '') <> ''))
        AND d.company_id = ${column(a, 'company_id')} AND d.id <> ${column(a, 'id')} AND d.state IN ('draft', 'posted') AND d.move_type = ${column(a, 'move_type')}
        AND (d.commercial_partner_id = ${column(a, 'commercial_partner_id')} OR (${column(a, 'commercial_partner_id')} IS NULL AND d.state = 'draft'))
        AND CASE WHEN ${column(a, 'move_type')} IN ('out_invoice', 'out_refund') THEN ${column(a, 'amount_total')} = d.amount_total AND ${column(a, 'invoice_date')} = d.invoice_date
                 ELSE ${column(a, 'ref')} = d.ref AND (${column(a, 'invoice_date')} = d.invoice_date OR ${column(a, 'state')} = 'draft') END)`,
    compute: (r) => json(r.duplicated_ref_ids),
  },
  'account.move.transaction_count': {
    dependsOn: [], readsTables: ['account_invoice_transaction_rel', 'payment_transaction'],
    select: (a, scope) => transactions(scope, a, sql`count(*)::int`, null),
    compute: (r) => Number(r.transaction_count ?? 0),
  },
  'account.move.amount_paid': {
    dependsOn: [], readsTables: ['account_invoice_transaction_rel', 'payment_transaction'],
    select: (a, scope) => transactions(scope, a, sql`COALESCE(sum(tx.amount), 0)::float8`, ['authorized', 'done']),
    compute: (r) => Number(r.amount_paid ?? 0),
  },
  // compute_sudo: every authorized transaction of the invoice.
  'account.move.authorized_transaction_ids': {
    dependsOn: [], readsTables: ['account_invoice_transaction_rel', 'payment_transaction'],
    select: (a) => sql`(SELECT COALESCE(json_agg(tx.id ORDER BY tx.id DESC), '[]') FROM account_invoice_transaction_rel rel JOIN payment_transaction tx ON tx.id = rel.transaction_id
      WHERE rel.invoice_id = ${column(a, 'id')} AND tx.state = 'authorized')`,
    compute: (r) => json(r.authorized_transaction_ids),
  },
  // sale account_move.py `_compute_origin_so_count`: len(line_ids.sale_line_ids.order_id).
  'account.move.sale_order_count': {
    dependsOn: [], readsTables: ['account_move_line', 'sale_order_line_invoice_rel', 'sale_order_line'],
    select: (a) => sql`(SELECT count(DISTINCT sol.order_id)::int FROM account_move_line l JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = l.id
      JOIN sale_order_line sol ON sol.id = r.order_line_id WHERE l.move_id = ${column(a, 'id')})`,
    compute: (r) => Number(r.sale_order_count ?? 0),
  },
  'account.move.ubl_cii_xml_id': {
    dependsOn: [], readsTables: ['ir_attachment'], many2one: 'ir.attachment',
    select: (a) => sql`(SELECT min(i.id) FROM ir_attachment i WHERE i.res_model = 'account.move' AND i.res_id = ${column(a, 'id')} AND i.res_field = 'ubl_cii_xml_file')`,
    compute: (r) => r.ubl_cii_xml_id ?? false,
  },
  'account.move.abnormal_amount_warning': abnormalWarning('abnormal_amount_warning'),
  'account.move.abnormal_date_warning': abnormalWarning('abnormal_date_warning'),
  // `_compute_tax_lock_date_message` / `_get_lock_date_message`: False when no lock date of the company
  // or a parent that can apply (fiscal year, hard, tax, and the sale / purchase one of such journals)
  // reaches the move's date (user exceptions only lower them); the message past that needs the
  // accounting date of the next open period and is refused.
  'account.move.tax_lock_date_message': {
    dependsOn: [], readsTables: ['res_company', 'account_journal'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM res_company c JOIN res_company e ON e.id = ${column(a, 'company_id')} AND e.parent_path LIKE c.parent_path || '%'
      LEFT JOIN account_journal j ON j.id = ${column(a, 'journal_id')}
      WHERE GREATEST(c.fiscalyear_lock_date, c.hard_lock_date, c.tax_lock_date,
                     CASE WHEN j.type = 'sale' THEN c.sale_lock_date END, CASE WHEN j.type = 'purchase' THEN c.purchase_lock_date END)
            >= COALESCE(${column(a, 'date')}, ${contextToday(scope)}))`,
    compute: (r) => {
      if (r.tax_lock_date_message === true) throw missingBehaviour('account.move', 'the computed field tax_lock_date_message of a move dated within a lock date');
      return false;
    },
  },
  'account.move.partner_credit_warning': {
    dependsOn: ['state', 'move_type'], readsTables: ['res_company'],
    select: (a) => sql`COALESCE((SELECT c.account_use_credit_limit FROM res_company c WHERE c.id = ${column(a, 'company_id')}), false)`,
    compute: (r) => {
      if (r.state === 'draft' && r.move_type === 'out_invoice' && r.partner_credit_warning === true) {
        throw missingBehaviour('account.move', 'the computed field partner_credit_warning of a draft invoice under credit limits');
      }
      return '';
    },
  },
  'account.move.invoice_outstanding_credits_debits_widget': outstandingWidget('invoice_outstanding_credits_debits_widget'),
  'account.move.invoice_has_outstanding': outstandingWidget('invoice_has_outstanding'),
  'account.move.payment_term_details': {
    dependsOn: ['move_type', 'payment_state'], readsTables: ['account_move_line', 'account_payment_term', 'res_lang'],
    select: (a, scope) => sql`json_build_array(
      COALESCE((SELECT t.early_discount FROM account_payment_term t WHERE t.id = ${column(a, 'invoice_payment_term_id')}), false),
      (SELECT COALESCE(json_agg(json_build_array(to_char(l.date_maturity, 'YYYY-MM-DD'), l.amount_currency::float8) ORDER BY l.date_maturity NULLS FIRST, l.date DESC, l.move_name DESC, l.id), '[]')
         FROM account_move_line l WHERE l.move_id = ${column(a, 'id')} AND l.display_type = 'payment_term'),
      (SELECT lg.date_format FROM res_lang lg WHERE lg.code = ${scope.env.lang}))`,
    compute: (r) => {
      if (!['out_invoice', 'out_receipt', 'in_invoice', 'in_receipt'].includes(String(r.move_type)) || !['not_paid', 'partial'].includes(String(r.payment_state))) return false;
      const [discount, terms, dateFormat] = json<[boolean, [string | null, number][], string | null]>(r.payment_term_details);
      if (!(terms.length > 1 || discount)) return false;
      const sign = ['out_invoice', 'in_refund', 'out_receipt'].includes(String(r.move_type)) ? 1 : -1;
      return terms.map(([due, amount]) => ({ date: due ? formatDate(due, dateFormat ?? '%m/%d/%Y') : false, amount: pythonFloat(sign * amount) }));
    },
  },
  'account.move.quick_encoding_vals': {
    dependsOn: ['quick_edit_total_amount'], readsTables: ['account_journal', 'res_company'],
    select: (a) => ACCOUNT_MOVE_QUICK_EDIT(a),
    compute: (r) => {
      if (r.quick_encoding_vals === true && Number(r.quick_edit_total_amount ?? 0)) throw missingBehaviour('account.move', 'the computed field quick_encoding_vals of a quick-edit total (the suggested line)');
      return false;
    },
  },
  // `_compute_needed_terms`: {} unless `is_invoice(True) and invoice_line_ids` (product, section and note lines).
  'account.move.needed_terms': {
    dependsOn: ['move_type'], readsTables: ['account_move_line'],
    select: (a) => sql`EXISTS (SELECT 1 FROM account_move_line l WHERE l.move_id = ${column(a, 'id')} AND l.display_type IN ('product', 'line_section', 'line_note'))`,
    compute: (r) => {
      if ([...SALE, ...PURCHASE].includes(String(r.move_type)) && r.needed_terms === true) throw missingBehaviour('account.move', 'the computed field needed_terms of an invoice (its keys are frozendicts)');
      return {};
    },
  },
  'account.move.amount_total_words': {
    dependsOn: ['amount_total'], readsTables: ['res_currency'],
    select: (a, scope) => {
      if (!scope.env.lang.startsWith('en')) throw missingBehaviour('account.move', `the computed field amount_total_words in ${scope.env.lang} (num2words is reproduced in English only)`);
      const label = (name: string) => sql`COALESCE(cur.${sql.raw(name)}->>${scope.env.lang}::text, cur.${sql.raw(name)}->>'en_US')`;
      return sql`(SELECT json_build_array(cur.rounding::float8, ${label('currency_unit_label')}, ${label('currency_subunit_label')}) FROM res_currency cur WHERE cur.id = ${column(a, 'currency_id')})`;
    },
    compute: (r) => {
      const [rounding, unit, subunit] = json<[number, string | null, string | null] | null>(r.amount_total_words) ?? [0.01, null, null];
      return amountToText(Number(r.amount_total ?? 0), rounding, unit, subunit).replace(/,/g, '');
    },
  },
  'account.move.access_url': { dependsOn: ['move_type'], compute: (r) => (INVOICES.includes(String(r.move_type)) ? `/my/invoices/${r.id}` : '#') },
};

/** `_compute_show_payment_term_details`: open customer/vendor invoices and receipts only. */
function paymentTermDetails(which: 'show_payment_term_details' | 'show_discount_details'): ComputedField {
  return {
    dependsOn: ['move_type', 'payment_state'], readsTables: ['account_payment_term', 'account_move_line'],
    select: (a) => sql`json_build_array(COALESCE((SELECT t.early_discount FROM account_payment_term t WHERE t.id = ${column(a, 'invoice_payment_term_id')}), false),
      (SELECT count(*) FROM account_move_line l WHERE l.move_id = ${column(a, 'id')} AND l.display_type = 'payment_term'))`,
    compute: (r) => {
      if (!['out_invoice', 'out_receipt', 'in_invoice', 'in_receipt'].includes(String(r.move_type)) || !['not_paid', 'partial'].includes(String(r.payment_state))) return false;
      const [discount, terms] = (typeof r[which] === 'string' ? JSON.parse(r[which] as string) : r[which]) as [boolean, number];
      return which === 'show_discount_details' ? discount : Number(terms) > 1 || discount;
    },
  };
}

const json = <T = unknown>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value ?? []) as T;

/** tools/mail.py `is_html_empty`: nothing left once p/div/section/span/br/b/i/font tags are removed, and no icon. */
const HTML_FORMAT_TAG = /<\s*\/?(?:p|div|section|span|br|b|i|font)\b(?:(\s+[A-Za-z_-][A-Za-z0-9-_]*(\s*=\s*['"][^"']*['"]))*)(?:\s*>|\s*\/\s*>)/g;
const HTML_ICON = /<\s*(i|span)\b(\s+[A-Za-z_-][A-Za-z0-9-_]*(\s*=\s*['"][^"']*['"])?)*\s*\bclass\s*=\s*["'][^"']*\b(fa|fab|fad|far|oi)\b/;
function isHtmlEmpty(html: string): boolean {
  return !html.replace(HTML_FORMAT_TAG, '').trim() && !HTML_ICON.test(html);
}

/**
 * `invoice.transaction_ids` in a non-sudo compute: the many2many read through the reader's
 * record rules on payment.transaction (no ACL check: a field read, not a search).
 */
function transactions(scope: ComputeScope, a: string, aggregate: Sql, states: readonly string[] | null): Sql {
  const model = scope.env.registry.model('payment.transaction');
  if (!model?.table) throw missingBehaviour('account.move', 'the transactions of an invoice (payment not installed)');
  const alias = nextAlias(scope.env, model);
  const where = compileWhere(scope.env, model, [], alias);
  const tx = (name: string) => sql.ref(`${alias}.${name}`);
  return sql`(SELECT ${aggregate} FROM account_invoice_transaction_rel rel JOIN payment_transaction ${sql.table(alias)} ON ${tx('id')} = rel.transaction_id
    JOIN LATERAL (SELECT ${tx('amount')} AS amount) tx ON true
    WHERE rel.invoice_id = ${column(a, 'id')}${states ? sql` AND ${tx('state')} = ANY(${sql.val(states)}::text[])` : sql``} AND ${where})`;
}

/** res.currency `amount_to_text`: the amount at the currency's decimals, its integral part in words, then the fraction's unless it rounds to 0. */
function amountToText(amount: number, rounding: number, unit: string | null, subunit: string | null): string {
  const decimals = 0 < rounding && rounding < 1 ? Math.ceil(Math.log10(1 / rounding)) : 0;
  const [integral, fractional] = amount.toFixed(decimals).split('.') as [string, string | undefined];
  const integer = BigInt(integral);
  const words = (n: bigint) => pythonTitle(englishCardinal(n));
  // Python formats None as 'None' in the %-template.
  if (isZero(amount - Number(integer), rounding)) return `${words(integer)} ${unit ?? 'False'}`;
  return `${words(integer)} ${unit ?? 'False'} and ${words(BigInt(fractional || '0'))} ${subunit ?? 'False'}`;
}

/**
 * `_compute_abnormal_warnings`: only draft vendor bills and refunds with an amount whose partner
 * does not ignore both warnings are looked at; their statistics come from the 10th to 30th
 * earlier posted invoice of the same partner, type, company and currency, without which both
 * warnings are False. With them the warning texts (dates and amounts formatted in the reader's
 * language) are not reproduced: the read is refused rather than answered False.
 */
/** A company-dependent boolean of the partner aliased `p`, for env.company (fieldSql reads the jsonb). */
function partnerFlag(scope: ComputeScope, name: string): Sql {
  const field = scope.env.registry.model('res.partner')?.fields.get(name);
  return field ? sql`COALESCE((${fieldSql(scope.env, field, 'p')})::boolean, false)` : sql`false`;
}

function abnormalWarning(field: 'abnormal_amount_warning' | 'abnormal_date_warning'): ComputedField {
  return {
    dependsOn: [], readsTables: ['account_move', 'res_partner'],
    select: (a, scope) => {
      if (scope.env.context?.disable_abnormal_invoice_detection) return sql`false`;
      const today = contextToday(scope);
      return sql`(${column(a, 'move_type')} IN ('in_invoice', 'in_refund') AND ${column(a, 'state')} = 'draft' AND COALESCE(${column(a, 'amount_total')}, 0) <> 0
        AND NOT COALESCE((SELECT ${partnerFlag(scope, 'ignore_abnormal_invoice_date')} AND ${partnerFlag(scope, 'ignore_abnormal_invoice_amount')} FROM res_partner p WHERE p.id = ${column(a, 'partner_id')}), false)
        AND (SELECT count(*) FROM account_move o WHERE o.partner_id = ${column(a, 'partner_id')} AND o.move_type = ${column(a, 'move_type')}
              AND o.company_id = ${column(a, 'company_id')} AND o.currency_id = ${column(a, 'currency_id')} AND o.state = 'posted' AND o.id <> ${column(a, 'id')}
              AND o.invoice_date <= COALESCE(${column(a, 'invoice_date')}, ${column(a, 'date')}, ${today})) >= 10)`;
    },
    compute: (r) => {
      if (r[field] === true) throw missingBehaviour('account.move', `the computed field ${field} of a draft bill with a history of 10 invoices or more`);
      return false;
    },
  };
}

interface OutstandingItem { id: number; move_id: number; journal_name: string | null; date: string; same_currency: boolean; residual: number; residual_currency: number; from_rate: number; to_rate: number; payment_id: number | null }

/** `_compute_payments_widget_to_reconcile_info` (account_move.py). */
function outstandingWidget(field: 'invoice_outstanding_credits_debits_widget' | 'invoice_has_outstanding'): ComputedField {
  return {
    dependsOn: ['state', 'payment_state', 'move_type', 'currency_id'], readsTables: ['account_move_line', 'account_account', 'account_move', 'res_currency', 'res_currency_rate', 'res_company'],
    select: (a, scope) => {
      const items = searchAsReader(scope, 'account.move.line', []);
      const i = (name: string) => sql.ref(`${items.alias}.${name}`);
      const root = sql`(SELECT split_part(c.parent_path, '/', 1)::int FROM res_company c WHERE c.id = ${column(a, 'company_id')})`;
      const rate = (currency: Sql) => sql`COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${currency} AND r.name <= ${i('date')}
          AND (r.company_id IS NULL OR r.company_id = ${root}) ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)::float8`;
      const inbound = sql`${column(a, 'move_type')} IN ('out_invoice', 'in_refund', 'out_receipt')`;
      return sql`CASE WHEN ${column(a, 'state')} = 'posted' AND ${column(a, 'payment_state')} IN ('not_paid', 'partial') AND ${column(a, 'move_type')} = ANY(${sql.val([...SALE, ...PURCHASE])}::text[]) THEN json_build_array(
        (SELECT cur.rounding::float8 FROM res_currency cur WHERE cur.id = ${column(a, 'currency_id')}),
        (SELECT COALESCE(json_agg(json_build_object('id', ${i('id')}, 'move_id', ${i('move_id')},
            'journal_name', COALESCE(NULLIF(${i('ref')}, ''), (SELECT mv.name FROM account_move mv WHERE mv.id = ${i('move_id')})),
            'date', to_char(${i('date')}, 'YYYY-MM-DD'), 'same_currency', ${i('currency_id')} IS NOT DISTINCT FROM ${column(a, 'currency_id')},
            'residual', ${i('amount_residual')}::float8, 'residual_currency', ${i('amount_residual_currency')}::float8,
            'from_rate', ${rate(i('company_currency_id'))}, 'to_rate', ${rate(column(a, 'currency_id'))}, 'payment_id', ${i('payment_id')})
            ORDER BY ${i('date')} DESC, ${i('move_name')} DESC, ${i('id')}), '[]')
          FROM ${sql.table(items.table)} AS ${sql.table(items.alias)}
         WHERE ${i('account_id')} IN (SELECT pl.account_id FROM account_move_line pl JOIN account_account acc ON acc.id = pl.account_id
                                       WHERE pl.move_id = ${column(a, 'id')} AND acc.account_type IN ('asset_receivable', 'liability_payable'))
           AND ${i('parent_state')} = 'posted' AND ${i('partner_id')} = ${column(a, 'commercial_partner_id')} AND NOT COALESCE(${i('reconciled')}, false)
           AND (${i('amount_residual')} <> 0 OR ${i('amount_residual_currency')} <> 0)
           AND CASE WHEN ${inbound} THEN ${i('balance')} < 0 ELSE ${i('balance')} > 0 END AND ${items.where})) END`;
    },
    compute: (r) => {
      if (r[field] === null || r[field] === undefined) return false;
      const facts = json<[number, OutstandingItem[]]>(r[field]);
      const [rounding, lines] = facts;
      const content = lines.flatMap((line) => {
        // `_convert`: amount * inverse rate (1 / (from rate / to rate)), rounded to the move currency.
        const amount = line.same_currency ? Math.abs(line.residual_currency) : roundTo(Math.abs(line.residual) * (1 / (line.from_rate / line.to_rate)), rounding);
        if (isZero(amount, rounding)) return [];
        // A Python float (20000.0, not 20000) inside the widget's dict too.
        return [{ journal_name: line.journal_name ?? false, amount: pythonFloat(amount), currency_id: Number(r.currency_id), id: line.id, move_id: line.move_id, date: line.date, account_payment_id: line.payment_id ?? false }];
      });
      if (field === 'invoice_has_outstanding') return content.length > 0;
      if (!content.length) return false;
      const inbound = ['out_invoice', 'in_refund', 'out_receipt'].includes(String(r.move_type));
      return { outstanding: true, content, move_id: r.id, title: inbound ? 'Outstanding credits' : 'Outstanding debits' };
    },
  };
}

/** The move's quick_edit_mode (`_compute_quick_edit_mode`), for quick_encoding_vals. */
function ACCOUNT_MOVE_QUICK_EDIT(a: string): Sql {
  return sql`(SELECT CASE j.type WHEN 'sale' THEN c.quick_edit_mode IN ('out_invoices', 'out_and_in_invoices')
      WHEN 'purchase' THEN c.quick_edit_mode IN ('in_invoices', 'out_and_in_invoices') ELSE false END
    FROM res_company c LEFT JOIN account_journal j ON j.id = ${column(a, 'journal_id')} WHERE c.id = ${column(a, 'company_id')})`;
}

/**
 * tools/misc.py `format_date` with the language's date_format (posix_to_ldml, then babel): the
 * numeric directives %d, %m, %Y and %y and literal separators; a format with other directives
 * (month names, weekdays) is refused rather than guessed.
 */
function formatDate(isoDate: string, dateFormat: string): string {
  const [year, month, day] = isoDate.split('-') as [string, string, string];
  return dateFormat.replace(/%(.)/g, (_m, directive: string) => {
    switch (directive) {
      case 'd': return day;
      case 'm': return month;
      case 'Y': return year;
      case 'y': return year.slice(-2);
      case '%': return '%';
      default: throw missingBehaviour('res.lang', `dates in the format ${dateFormat}`);
    }
  });
}
