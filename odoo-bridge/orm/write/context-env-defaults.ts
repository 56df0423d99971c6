import { randomInt, randomUUID } from 'node:crypto';
import { pythonTruthy } from '../../wire/python-values.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import type { CallContext } from '../call-context.ts';
import type { PythonDefault } from '../registry/python-field-facts.ts';
import { countRows, modelSearchSource, searchIds } from '../methods/search-source.ts';

/**
 * The Python defaults made of the call's context, the user and random draws (the extractor's
 * `uuid`, `context`, `firstOf` facts and the user-side environment kinds), as Odoo evaluates them
 * at each `default_get` and create. `evaluate` is the evaluator of any default, for the parts of
 * a `context`/`firstOf` default; `undefined` means a part Ficus cannot evaluate, and then the
 * whole default is left out rather than answered with a value Odoo would not give.
 */
export type DefaultEvaluator = (ctx: CallContext, value: PythonDefault) => Promise<unknown>;

/** `str(uuid4())[:length]` / `uuid4().hex[:length]`: a fresh uuid4 each call (volatile, as in Odoo). */
export function uuidDefault(value: { uuid: 'str' | 'hex'; length?: number }): string {
  const drawn = value.uuid === 'hex' ? randomUUID().replaceAll('-', '') : randomUUID();
  return value.length ? drawn.slice(0, value.length) : drawn;
}

/** `''.join(choice(alphabet) for _i in range(length))` (discuss.channel's invitation token): drawn per call. */
export function randomTextDefault(value: { randomText: string; length: number }): string {
  const letters = [...value.randomText];
  return Array.from({ length: value.length }, () => letters[randomInt(letters.length)]).join('');
}

/**
 * `self.env.context.get(key[, fallback])`: the context's value when the key is there (whatever
 * it is, None included), else the fallback's, else None (null: the field's empty value once in
 * write format). A `browse()` of it gives the same ids.
 */
export async function contextDefault(ctx: CallContext, value: { context: string; orElse?: PythonDefault }, evaluate: DefaultEvaluator): Promise<unknown> {
  if (Object.prototype.hasOwnProperty.call(ctx.context, value.context)) return ctx.context[value.context] ?? null;
  return value.orElse ? evaluate(ctx, value.orElse) : null;
}

/** Python's `a or b or …`: the first truthy part, else the last part's value. */
export async function firstOfDefault(ctx: CallContext, value: { firstOf: PythonDefault[] }, evaluate: DefaultEvaluator): Promise<unknown> {
  let last: unknown = null;
  for (const part of value.firstOf) {
    last = await evaluate(ctx, part);
    if (last === undefined) return undefined;
    if (pythonTruthy(last)) return last;
  }
  return last;
}

/** `self.env.user.tz` (the user's partner's), False without one. */
export async function userTimezone(ctx: CallContext): Promise<string | false> {
  const r = await ctx.db.query<{ tz: string | null }>(`SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [ctx.uid]);
  return r.rows[0]?.tz || false;
}

/** `self.env.user.company_id.currency_id`: the user's main company's currency (not the call's company). */
export async function userCompanyCurrency(ctx: CallContext): Promise<number | false> {
  const r = await ctx.db.query<{ currency_id: number | null }>(
    `SELECT c.currency_id FROM res_users u JOIN res_company c ON c.id = u.company_id WHERE u.id = $1`,
    [ctx.uid],
  );
  return r.rows[0]?.currency_id ?? false;
}

/**
 * `fields.Date.context_today(record)`: today in `context.get('tz') or env.user.tz` (an unknown
 * zone, or none, is UTC, as Odoo logs and falls back).
 */
export async function contextToday(ctx: CallContext): Promise<string> {
  return dateIn(ctx.tz || (await userTimezone(ctx)) || 'UTC');
}

/** `fields.Date.today()`: the server's date; Odoo runs with TZ=UTC. */
export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

function dateIn(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return utcToday();
  }
}

/** `self.env.company.root_id`: the first company of its `parent_path`. */
export async function companyRoot(ctx: CallContext): Promise<number | undefined> {
  if (ctx.access.companyId == null) return undefined;
  const r = await ctx.db.query<{ root: number }>(
    `SELECT COALESCE(NULLIF(split_part(parent_path, '/', 1), '')::int4, id) AS root FROM res_company WHERE id = $1`,
    [ctx.access.companyId],
  );
  return r.rows[0]?.root ?? undefined;
}

/** `res.lang._get_data(code=self.env.user.lang).decimal_point`: False when the user's language is not active. */
export async function userLangDecimalPoint(ctx: CallContext): Promise<string | false> {
  const r = await ctx.db.query<{ decimal_point: string | null }>(
    `SELECT l.decimal_point FROM res_users u JOIN res_partner p ON p.id = u.partner_id JOIN res_lang l ON l.code = p.lang AND l.active WHERE u.id = $1`,
    [ctx.uid],
  );
  return r.rows[0]?.decimal_point ?? false;
}

/**
 * `self.env.companies.<field>` of a many2one column of res.company, mapped: the distinct values
 * in the companies' order (`env.companies`: allowed_company_ids, else the current company);
 * `ofRoots` maps their roots first (`companies.root_id.sudo()`). A field without a column is
 * computed by code Ficus does not run: left out.
 */
export async function companiesFieldDefault(ctx: CallContext, value: { companiesField: string; ofRoots?: boolean }): Promise<number[] | undefined> {
  const field = ctx.registry.model('res.company')?.fields.get(value.companiesField);
  if (!field?.column || field.type !== 'many2one') return undefined;
  const allowed = ctx.access.companyIds;
  const companies = allowed?.length ? [...allowed] : ctx.access.companyId != null ? [ctx.access.companyId] : [];
  const company = value.ofRoots ? `COALESCE(NULLIF(split_part(c.parent_path, '/', 1), '')::int4, c.id)` : 'c.id';
  // The column is the registry's name for a res.company field (not caller input), quoted as an identifier.
  const r = await ctx.db.query<{ value: number | null }>(
    `SELECT v."${field.column.replaceAll('"', '""')}" AS value
       FROM unnest($1::int4[]) WITH ORDINALITY AS e(id, n) JOIN res_company c ON c.id = e.id JOIN res_company v ON v.id = ${company}
      ORDER BY e.n`,
    [companies],
  );
  const out: number[] = [];
  for (const { value: id } of r.rows) if (id != null && !out.includes(id)) out.push(id);
  return out;
}

/** A literal list of `(0, 0, values)` commands, its floats sent as Python floats (`100.0`). */
export function commandsDefault(value: { commands: Array<[0, 0, Record<string, string | number | boolean | { float: number }>]> }): unknown[] {
  return value.commands.map(([op, id, values]) => [
    op,
    id,
    Object.fromEntries(Object.entries(values).map(([name, v]) => [name, typeof v === 'object' ? pythonFloat(v.float) : v])),
  ]);
}

/** `fields.Date.context_today(self).replace(month=1, day=1)`: January 1st of today's year in the user's tz. */
export async function contextYearStart(ctx: CallContext): Promise<string> {
  return `${(await contextToday(ctx)).slice(0, 4)}-01-01`;
}

/**
 * `self.env[model].search(domain, limit=n)` as the user: the model's read right first (Odoo's
 * AccessError: portal's default_get of utm.campaign names utm.stage), then record rules, the
 * given order or the model's; `{ env }` values of the domain evaluated. The records' ids (a
 * many2one default takes the first, none is False). Only default_get runs it: create evaluates
 * defaults for fields it is given too (write/defaults.ts), where Odoo runs none of them.
 */
export async function searchDefault(ctx: CallContext, value: { search: string; domain: unknown[]; limit?: number; order?: string }, evaluate: DefaultEvaluator): Promise<number[] | undefined> {
  const model = ctx.registry.model(value.search);
  if (!model?.table) return undefined;
  ctx.access.checkModel(model, 'read');
  const domain = await domainWithEnvironment(ctx, value.domain, evaluate);
  if (!domain) return undefined;
  const source = await modelSearchSource(ctx, model, domain, { order: value.order ?? model.order, limit: value.limit ?? null, offset: 0 });
  return [...(await searchIds(ctx, model, source))];
}

/** `self.env[model].search_count(domain, limit=k) > m` as the user (the read right first, then record rules). */
export async function searchCountDefault(ctx: CallContext, value: { searchCount: string; domain: unknown[]; limit?: number; greaterThan: number }, evaluate: DefaultEvaluator): Promise<boolean | undefined> {
  const model = ctx.registry.model(value.searchCount);
  if (!model?.table) return undefined;
  ctx.access.checkModel(model, 'read');
  const domain = await domainWithEnvironment(ctx, value.domain, evaluate);
  if (!domain) return undefined;
  return (await countRows(ctx, model, domain, value.limit ?? null)) > value.greaterThan;
}

/** The extracted domain with its `{ env }` values evaluated; undefined when one cannot be. */
async function domainWithEnvironment(ctx: CallContext, extracted: readonly unknown[], evaluate: DefaultEvaluator): Promise<unknown[] | undefined> {
  const domain: unknown[] = [];
  for (const item of extracted) {
    if (!Array.isArray(item)) domain.push(item);
    else {
      const operand = item[2] && typeof item[2] === 'object' && !Array.isArray(item[2]) && 'env' in item[2] ? await evaluate(ctx, item[2] as PythonDefault) : item[2];
      if (operand === undefined) return undefined;
      domain.push([item[0], item[1], operand]);
    }
  }
  return domain;
}
