import { AsyncLocalStorage } from 'node:async_hooks';
import type { Registry } from '../registry/types.ts';
import { simpleCurrencyTable } from './currency-table.ts';
import { servedTableQueryModels, TABLE_QUERY_MODELS, type TableQueryModel } from './table-query-models.ts';

/**
 * What a call's statements need to read a table-query model (table-query-models.ts): the
 * database's registry (installed modules) and the call's env.companies / env.company, which
 * Odoo's query depends on (its currency table). One scope per ORM call (engine.ts), held in
 * async-local storage so that every statement of the call — searches, reads, read_group,
 * rule sub-queries, transactions — is given the report's rows whatever code path compiled it.
 */
export interface TableQueryScope {
  readonly registry: Registry;
  /** env.companies ids; null when the access does not carry them (then the user's companies). */
  readonly companyIds: readonly number[] | null;
  readonly mainCompanyId: number | null;
  readonly uid: number;
}

interface ScopeState extends TableQueryScope {
  companies?: Promise<{ ids: number[]; main: number; oneCurrency: boolean }>;
}

/** The statement runner's database (sql/execute.ts `Queryable`), as far as the scope queries it. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

const storage = new AsyncLocalStorage<ScopeState>();

export function inTableQueryScope<T>(scope: TableQueryScope, work: () => Promise<T>): Promise<T> {
  return storage.run({ ...scope }, work);
}

/**
 * A table name as a statement names it (kysely quotes identifiers; bare names too), not an alias
 * `sale_report_1`, a column `x.sale_report` nor a string literal `'sale_report'`.
 */
const tableNamePattern = (table: string) => new RegExp(`(?<![\\w.'])"?${table}"?(?![\\w'])`);
/** Statements a leading WITH can start: queries and data changes (never DDL, SET, LOCK…). */
const WITH_ABLE = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|VALUES|\()/i;
const TABLE_PATTERNS = new Map(TABLE_QUERY_MODELS.map((report) => [report.table, tableNamePattern(report.table)]));

const servedByRegistry = new WeakMap<Registry, readonly TableQueryModel[]>();

/** The table-query models a registry serves with their table (worked out once per registry: every statement asks). */
function servedIn(registry: Registry): readonly TableQueryModel[] {
  let served = servedByRegistry.get(registry);
  if (!served) {
    served = servedTableQueryModels(registry.modules).filter((report) => registry.model(report.model)?.table === report.table);
    servedByRegistry.set(registry, served);
  }
  return served;
}

/** The served table-query models a statement names as a table (a substring test first: most statements name none). */
function namedIn(text: string, registry: Registry): TableQueryModel[] {
  return servedIn(registry).filter((report) => text.includes(report.table) && TABLE_PATTERNS.get(report.table)!.test(text));
}

async function envCompanies(db: Queryable, state: ScopeState): Promise<{ ids: number[]; main: number; oneCurrency: boolean }> {
  const ids = state.companyIds?.length
    ? [...state.companyIds]
    : ((await db.query('SELECT cid FROM res_company_users_rel WHERE user_id = $1 ORDER BY cid', [state.uid])).rows as Array<{ cid: number }>).map((r) => r.cid);
  const main = state.mainCompanyId ?? ids[0] ?? 0;
  const currencies = (await db.query('SELECT count(DISTINCT currency_id)::int4 AS n FROM res_company WHERE id = ANY($1::int4[])', [ids])).rows as Array<{ n: number }>;
  return { ids, main, oneCurrency: (currencies[0]?.n ?? 0) <= 1 };
}

/**
 * `text` with the queries of the table-query models it names as leading CTEs of those names
 * (a CTE shadows the table name in the whole statement, sub-queries included), or `text`
 * itself when it names none or runs outside an ORM call's scope.
 */
export function withTableQueries(db: Queryable, text: string): string | Promise<string> {
  const state = storage.getStore();
  if (!state || !servedIn(state.registry).length || !WITH_ABLE.test(text)) return text;
  const reports = namedIn(text, state.registry);
  if (!reports.length) return text;
  return prefixed(db, state, reports, text);
}

async function prefixed(db: Queryable, state: ScopeState, reports: readonly TableQueryModel[], text: string): Promise<string> {
  state.companies ??= envCompanies(db, state).catch((error: unknown) => {
    delete state.companies;
    throw error;
  });
  const companies = await state.companies;
  const currencyTable = simpleCurrencyTable({ companyIds: companies.ids, mainCompanyId: companies.main, oneCurrency: companies.oneCurrency });
  const ctes = reports.map((report) => `"${report.table}" AS (${report.query(state.registry.modules, currencyTable)})`).join(', ');
  const leadingWith = /^\s*WITH\s+(RECURSIVE\s+)?/i.exec(text);
  if (leadingWith) return `WITH ${leadingWith[1] ?? ''}${ctes}, ${text.slice(leadingWith[0].length)}`;
  return `WITH ${ctes} ${text}`;
}
