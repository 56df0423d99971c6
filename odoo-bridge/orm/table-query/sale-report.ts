/**
 * sale.report's `_table_query` (sale/report/sale_report.py `_query`, Odoo 18): one row per
 * (order line's product, price, invoice status… group) of non-section order lines whose order
 * has a customer, quantities in the product's unit, amounts converted from the order's
 * currency (`currency_rate`) into env.company's through the simple currency table, which also
 * keeps only the orders of env.companies.
 *
 * Installed modules extend `_select_additional_fields` / `_group_by_sale`: the ones whose
 * additions are plain columns are built here from the database's installed modules; a module
 * that rewrites the FROM or the whole query (website_sale, pos_sale) is listed as unported, and
 * the report then has no table in Ficus's registry (refused, rather than answered wrong).
 */
const caseValueOrOne = (value: string) => `CASE COALESCE(${value}, 0) WHEN 0 THEN 1.0 ELSE ${value} END`;
const converted = (amount: string) => `${amount}
    / ${caseValueOrOne('s.currency_rate')}
    * ${caseValueOrOne('account_currency_table.rate')}`;

interface SaleReportExtension {
  readonly select: Readonly<Record<string, string>>;
  readonly groupBy: readonly string[];
}

/** `_select_additional_fields` / `_group_by_sale` of the modules that add columns only, in Odoo's module order. */
const EXTENSIONS: ReadonlyArray<readonly [string, SaleReportExtension]> = [
  ['sale_margin', { select: { margin: `SUM(${converted('l.margin')})` }, groupBy: [] }],
  ['sale_project', { select: { project_id: 's.project_id' }, groupBy: [] }],
  ['sale_stock', { select: { warehouse_id: 's.warehouse_id' }, groupBy: ['s.warehouse_id'] }],
];

/** Modules whose sale.report changes Ficus does not build. */
export const SALE_REPORT_UNPORTED = ['website_sale', 'pos_sale', 'pos_sale_margin'] as const;

export function saleReportQuery(modules: ReadonlySet<string>, currencyTable: string): string {
  const productOnly = (sum: string) => `CASE WHEN l.product_id IS NOT NULL THEN ${sum} ELSE 0 END`;
  const productOrDownpayment = (sum: string) => `CASE WHEN l.product_id IS NOT NULL OR l.is_downpayment THEN ${sum} ELSE 0 END`;
  const inProductUnit = (qty: string) => `SUM(${qty} / u.factor * u2.factor)`;
  const select: Array<readonly [string, string]> = [
    ['id', 'MIN(l.id)'],
    ['product_id', 'l.product_id'],
    ['line_invoice_status', 'l.invoice_status'],
    ['product_uom', 't.uom_id'],
    ['product_uom_qty', productOnly(inProductUnit('l.product_uom_qty'))],
    ['qty_delivered', productOnly(inProductUnit('l.qty_delivered'))],
    ['qty_to_deliver', productOnly(inProductUnit('(l.product_uom_qty - l.qty_delivered)'))],
    ['qty_invoiced', productOnly(inProductUnit('l.qty_invoiced'))],
    ['qty_to_invoice', productOnly(inProductUnit('l.qty_to_invoice'))],
    ['price_unit', productOnly(`AVG(${converted('l.price_unit')})`)],
    ['price_total', productOnly(`SUM(${converted('l.price_total')})`)],
    ['price_subtotal', productOnly(`SUM(${converted('l.price_subtotal')})`)],
    ['untaxed_amount_to_invoice', productOrDownpayment(`SUM(${converted('l.untaxed_amount_to_invoice')})`)],
    ['untaxed_amount_invoiced', productOrDownpayment(`SUM(${converted('l.untaxed_amount_invoiced')})`)],
    ['nbr', 'COUNT(*)'],
    ['name', 's.name'],
    ['date', 's.date_order'],
    ['state', 's.state'],
    ['invoice_status', 's.invoice_status'],
    ['partner_id', 's.partner_id'],
    ['user_id', 's.user_id'],
    ['company_id', 's.company_id'],
    ['campaign_id', 's.campaign_id'],
    ['medium_id', 's.medium_id'],
    ['source_id', 's.source_id'],
    ['categ_id', 't.categ_id'],
    ['pricelist_id', 's.pricelist_id'],
    ['team_id', 's.team_id'],
    ['product_tmpl_id', 'p.product_tmpl_id'],
    ['commercial_partner_id', 'partner.commercial_partner_id'],
    ['country_id', 'partner.country_id'],
    ['industry_id', 'partner.industry_id'],
    ['state_id', 'partner.state_id'],
    ['partner_zip', 'partner.zip'],
    ['weight', productOnly(inProductUnit('p.weight * l.product_uom_qty'))],
    ['volume', productOnly(inProductUnit('p.volume * l.product_uom_qty'))],
    ['discount', 'l.discount'],
    ['discount_amount', productOnly(`SUM(${converted('l.price_unit * l.product_uom_qty * l.discount / 100.0')})`)],
    ['order_reference', `concat('sale.order', ',', s.id)`],
  ];
  const groupBy = [
    'l.product_id', 'l.order_id', 'l.price_unit', 'l.invoice_status', 't.uom_id', 't.categ_id', 's.name', 's.date_order',
    's.partner_id', 's.user_id', 's.state', 's.invoice_status', 's.company_id', 's.campaign_id', 's.medium_id', 's.source_id',
    's.pricelist_id', 's.team_id', 'p.product_tmpl_id', 'partner.commercial_partner_id', 'partner.country_id',
    'partner.industry_id', 'partner.state_id', 'partner.zip', 'l.is_downpayment', 'l.discount', 's.id', 'account_currency_table.rate',
  ];
  for (const [module, extension] of EXTENSIONS) {
    if (!modules.has(module)) continue;
    select.push(...Object.entries(extension.select));
    groupBy.push(...extension.groupBy);
  }
  return `SELECT ${select.map(([name, expr]) => `${expr} AS ${name}`).join(',\n  ')}
  FROM sale_order_line l
    LEFT JOIN sale_order s ON s.id = l.order_id
    JOIN res_partner partner ON s.partner_id = partner.id
    LEFT JOIN product_product p ON l.product_id = p.id
    LEFT JOIN product_template t ON p.product_tmpl_id = t.id
    LEFT JOIN uom_uom u ON u.id = l.product_uom
    LEFT JOIN uom_uom u2 ON u2.id = t.uom_id
    JOIN ${currencyTable} ON account_currency_table.company_id = s.company_id
  WHERE l.display_type IS NULL
  GROUP BY ${groupBy.join(', ')}`;
}
