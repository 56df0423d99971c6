import { INVOICE_REPORT_UNPORTED, invoiceReportQuery } from './invoice-report.ts';
import { SALE_REPORT_UNPORTED, saleReportQuery } from './sale-report.ts';

/**
 * The models whose rows are a query Odoo builds in Python at every search (`_table_query`)
 * and that Ficus builds too: their SQL is the FROM item named as the model's table
 * (`(<query>) AS "sale_report"` in Odoo; here a CTE of that name, table-query-scope.ts).
 *
 * Not here: account.root and account.code.mapping (`_table_query = '0'`, rows that are never
 * searched: their `_search` answers a few literal domains and raises NotImplementedError
 * otherwise, which compile.ts's requireTable answers).
 */
export interface TableQueryModel {
  readonly model: string;
  /** The model's `_table`: the name its query is given in every statement. */
  readonly table: string;
  /** The module that defines the model. */
  readonly module: string;
  /** Installed modules whose changes to the query Ficus does not build: the model then stays without table. */
  readonly unported: readonly string[];
  /** The query, for the database's installed modules, joined to `currencyTable` (currency-table.ts). */
  query(modules: ReadonlySet<string>, currencyTable: string): string;
}

export const TABLE_QUERY_MODELS: readonly TableQueryModel[] = [
  { model: 'sale.report', table: 'sale_report', module: 'sale', unported: SALE_REPORT_UNPORTED, query: saleReportQuery },
  { model: 'account.invoice.report', table: 'account_invoice_report', module: 'account', unported: INVOICE_REPORT_UNPORTED, query: invoiceReportQuery },
];

/** The table-query models this database serves: their module installed, none of their unported extensions. */
export function servedTableQueryModels(modules: ReadonlySet<string>): TableQueryModel[] {
  return TABLE_QUERY_MODELS.filter((m) => modules.has(m.module) && !m.unported.some((extension) => modules.has(extension)));
}
