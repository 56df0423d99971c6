import { describe, expect, it } from 'vitest';
import type { ModelInfo, Registry } from '../../../../odoo-bridge/orm/registry/types.ts';
import { inTableQueryScope, withTableQueries } from '../../../../odoo-bridge/orm/table-query/table-query-scope.ts';
import { simpleCurrencyTable } from '../../../../odoo-bridge/orm/table-query/currency-table.ts';
import { servedTableQueryModels } from '../../../../odoo-bridge/orm/table-query/table-query-models.ts';

/**
 * How a statement is given the rows of a `_table_query` model: the report's query as a leading
 * CTE named as its table, merged into a statement's own WITH, only for statements that name the
 * table (not an alias `sale_report_1`, not a column), only inside an ORM call's scope, with
 * env.companies' currency table; and which modules leave a report out.
 */
function registryWith(modules: string[], tables: Record<string, string | null>): Registry {
  const models = new Map(Object.entries(tables).map(([name, table]) => [name, { name, table } as unknown as ModelInfo]));
  return { database: 'test', models, modules: new Set(modules), model: (name: string) => models.get(name) } as unknown as Registry;
}

const registry = registryWith(['sale', 'account'], { 'sale.report': 'sale_report', 'account.invoice.report': 'account_invoice_report' });

function fakeDb(currencies: number) {
  const asked: string[] = [];
  return {
    asked,
    async query(text: string) {
      asked.push(text);
      if (text.includes('res_company_users_rel')) return { rows: [{ cid: 1 }, { cid: 3 }] };
      return { rows: [{ n: currencies }] };
    },
  };
}

const scope = { registry, companyIds: [1], mainCompanyId: 1, uid: 2 };

describe('table-query scope', () => {
  it('leaves a statement alone outside an ORM call', async () => {
    const db = fakeDb(1);
    expect(await withTableQueries(db, 'SELECT 1 FROM "sale_report"')).toBe('SELECT 1 FROM "sale_report"');
    expect(db.asked).toEqual([]);
  });

  it('prefixes the report query of the table a statement names, once per named report', async () => {
    const db = fakeDb(1);
    const text = await inTableQueryScope(scope, async () => withTableQueries(db, 'SELECT "sale_report_1"."id" FROM "sale_report" AS "sale_report_1" WHERE "sale_report_1"."id" IN (SELECT 1 FROM "sale_report")'));
    expect(text.startsWith('WITH "sale_report" AS (SELECT MIN(l.id) AS id')).toBe(true);
    expect(text).toContain(`JOIN (VALUES (1, CAST(NULL AS VARCHAR), CAST(NULL AS DATE), CAST(NULL AS DATE), 'current', 1)) AS account_currency_table`);
    expect(text).not.toContain('"account_invoice_report" AS (');
    expect(text.endsWith(') SELECT "sale_report_1"."id" FROM "sale_report" AS "sale_report_1" WHERE "sale_report_1"."id" IN (SELECT 1 FROM "sale_report")')).toBe(true);
  });

  it('merges into the statement\'s own WITH, RECURSIVE kept first', async () => {
    const db = fakeDb(1);
    const text = await inTableQueryScope(scope, async () => withTableQueries(db, 'WITH RECURSIVE t(n) AS (SELECT 1) SELECT * FROM account_invoice_report, t'));
    expect(text.startsWith('WITH RECURSIVE "account_invoice_report" AS (SELECT line.id AS id')).toBe(true);
    expect(text.endsWith('), t(n) AS (SELECT 1) SELECT * FROM account_invoice_report, t')).toBe(true);
  });

  it('does not take an alias, a column or a string for the table, nor prefix a statement WITH cannot start', async () => {
    const db = fakeDb(1);
    const statements = [
      'SELECT 1 FROM x AS "sale_report_2"', 'SELECT l.sale_report FROM l', 'SELECT 1 FROM account_invoice_report_line',
      "SELECT 1 FROM ir_model WHERE name = 'sale_report'", 'LOCK TABLE sale_report', 'DROP VIEW IF EXISTS "sale_report"',
    ];
    for (const statement of statements) {
      expect(await inTableQueryScope(scope, async () => withTableQueries(db, statement))).toBe(statement);
    }
    expect(db.asked).toEqual([]);
  });

  it('takes env.companies from the user\'s companies when the access does not carry them, and asks once per call', async () => {
    const db = fakeDb(2);
    const [first, second] = await inTableQueryScope({ ...scope, companyIds: null, mainCompanyId: 3 }, async () => [
      await withTableQueries(db, 'SELECT 1 FROM "sale_report"'),
      await withTableQueries(db, 'SELECT 2 FROM "sale_report"'),
    ]);
    expect(db.asked.filter((q) => q.includes('res_company_users_rel'))).toHaveLength(1);
    // Two currencies: the derived table of rates into env.company's (3) currency, over companies 1 and 3.
    expect(first).toContain('FROM res_company c WHERE c.id IN (1, 3)) AS account_currency_table');
    expect(first).toContain('WHERE m.id = 3');
    expect(second).toContain('SELECT 2 FROM "sale_report"');
  });

  it('serves a report only when its module is installed and no unported extension is', () => {
    expect(servedTableQueryModels(new Set(['sale', 'account'])).map((m) => m.model)).toEqual(['sale.report', 'account.invoice.report']);
    expect(servedTableQueryModels(new Set(['account'])).map((m) => m.model)).toEqual(['account.invoice.report']);
    expect(servedTableQueryModels(new Set(['sale', 'account', 'website_sale', 'l10n_ar'])).map((m) => m.model)).toEqual([]);
  });

  it('gives no company row for no company, and refuses a company id that is not an integer', () => {
    expect(simpleCurrencyTable({ companyIds: [], mainCompanyId: 1, oneCurrency: true })).toContain('WHERE FALSE');
    expect(() => simpleCurrencyTable({ companyIds: [1.5], mainCompanyId: 1, oneCurrency: true })).toThrow(/not a company id/);
  });
});
