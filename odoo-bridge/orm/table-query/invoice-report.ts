/**
 * account.invoice.report's `_table_query` (account/report/account_invoice_report.py `_select`,
 * `_from`, `_where`, Odoo 18): one row per product line of an invoice, bill, refund or receipt
 * with an account, signed by the move type, quantities in the product's unit, the company
 * amounts converted into env.company's currency through the simple currency table (which keeps
 * only the lines of env.companies), the margin and stock value from the product's
 * company-dependent standard price.
 *
 * `sale` adds the move's sales team; modules that add joins (l10n_latam_invoice_document,
 * l10n_ar) are listed as unported: the report then has no table in Ficus's registry.
 */
const REFUND_SIGN_IN = `(CASE WHEN move.move_type IN ('in_invoice','out_refund','in_receipt') THEN -1 ELSE 1 END)`;
const REFUND_SIGN_OUT = `(CASE WHEN move.move_type IN ('out_invoice','in_refund','out_receipt') THEN -1 ELSE 1 END)`;
const IN_TEMPLATE_UNIT = `(line.quantity / NULLIF(COALESCE(uom_line.factor, 1) / COALESCE(uom_template.factor, 1), 0.0))`;
const STANDARD_PRICE = `COALESCE(product.standard_price -> line.company_id::text, to_jsonb(0.0))::float`;

/** Column additions of installed modules (`_select` overrides that only add a column). */
const EXTENSIONS: ReadonlyArray<readonly [string, Readonly<Record<string, string>>]> = [
  ['sale', { team_id: 'move.team_id' }],
];

export const INVOICE_REPORT_UNPORTED = ['l10n_latam_invoice_document', 'l10n_ar'] as const;

export function invoiceReportQuery(modules: ReadonlySet<string>, currencyTable: string): string {
  const select: Array<readonly [string, string]> = [
    ['id', 'line.id'],
    ['move_id', 'line.move_id'],
    ['product_id', 'line.product_id'],
    ['account_id', 'line.account_id'],
    ['journal_id', 'line.journal_id'],
    ['company_id', 'line.company_id'],
    ['company_currency_id', 'line.company_currency_id'],
    ['commercial_partner_id', 'line.partner_id'],
    ['user_type', 'account.account_type'],
    ['state', 'move.state'],
    ['move_type', 'move.move_type'],
    ['partner_id', 'move.partner_id'],
    ['invoice_user_id', 'move.invoice_user_id'],
    ['fiscal_position_id', 'move.fiscal_position_id'],
    ['payment_state', 'move.payment_state'],
    ['invoice_date', 'move.invoice_date'],
    ['invoice_date_due', 'move.invoice_date_due'],
    ['product_uom_id', 'uom_template.id'],
    ['product_categ_id', 'template.categ_id'],
    ['quantity', `${IN_TEMPLATE_UNIT} * ${REFUND_SIGN_IN}`],
    ['price_subtotal_currency', `line.price_subtotal * ${REFUND_SIGN_IN}`],
    ['price_subtotal', '-line.balance * account_currency_table.rate'],
    ['price_total', `line.price_total * ${REFUND_SIGN_IN}`],
    ['price_average', `-COALESCE((line.balance / NULLIF(line.quantity, 0.0)) * ${REFUND_SIGN_IN}
        * (NULLIF(COALESCE(uom_line.factor, 1), 0.0) / NULLIF(COALESCE(uom_template.factor, 1), 0.0)), 0.0) * account_currency_table.rate`],
    ['price_margin', `CASE
        WHEN move.move_type NOT IN ('out_invoice', 'out_receipt', 'out_refund') THEN 0.0
        WHEN move.move_type = 'out_refund' THEN -line.balance * account_currency_table.rate + ${IN_TEMPLATE_UNIT} * ${STANDARD_PRICE}
        ELSE -line.balance * account_currency_table.rate - ${IN_TEMPLATE_UNIT} * ${STANDARD_PRICE}
      END`],
    ['inventory_value', `${IN_TEMPLATE_UNIT} * ${REFUND_SIGN_OUT} * ${STANDARD_PRICE}`],
    ['country_id', 'COALESCE(partner.country_id, commercial_partner.country_id)'],
    ['currency_id', 'line.currency_id'],
  ];
  for (const [module, columns] of EXTENSIONS) if (modules.has(module)) select.push(...Object.entries(columns));
  return `SELECT ${select.map(([name, expr]) => `${expr} AS ${name}`).join(',\n  ')}
  FROM account_move_line line
    LEFT JOIN res_partner partner ON partner.id = line.partner_id
    LEFT JOIN product_product product ON product.id = line.product_id
    LEFT JOIN account_account account ON account.id = line.account_id
    LEFT JOIN product_template template ON template.id = product.product_tmpl_id
    LEFT JOIN uom_uom uom_line ON uom_line.id = line.product_uom_id
    LEFT JOIN uom_uom uom_template ON uom_template.id = template.uom_id
    INNER JOIN account_move move ON move.id = line.move_id
    LEFT JOIN res_partner commercial_partner ON commercial_partner.id = move.commercial_partner_id
    JOIN ${currencyTable} ON account_currency_table.company_id = line.company_id
  WHERE move.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt')
    AND line.account_id IS NOT NULL
    AND line.display_type = 'product'`;
}
