import { sql } from 'kysely';
import type { ComputedField } from './computed-field.ts';

/**
 * Non-stored computes of the `_table_query` report models (orm/table-query/):
 *
 * | field | value |
 * |---|---|
 * | `sale.report.currency_id` | env.company's currency (sale_report.py `_compute_currency_id`, `allowed_company_ids`'s first company, else the reader's) — the report's amounts are converted into it |
 */
export const REPORT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'sale.report.currency_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.currency',
    select: (_alias, scope) => sql`(SELECT c.currency_id FROM res_company c WHERE c.id = ${scope.env.companyId})`,
    compute: (row) => row.currency_id ?? false,
  },
};
