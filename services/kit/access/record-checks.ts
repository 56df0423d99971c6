import { sql, type Kysely } from 'kysely';
import { problems } from '../http/problem.ts';
import type { AccessMode, AccessPort } from './access-port.ts';

/**
 * The ACL of `mode` (the access port), then the record rules on the rows where they live now
 * (`rows`: a module's home, the service database or the monolith; the port's own checks would
 * read the service's copy, which lags the monolith before cutover): outside the read rules is
 * 404, as for an id that does not exist; readable but outside the mode's rules is 403. For
 * `create`, only the create rules, on the new rows (Odoo's create never asks whether its author
 * may read them). The rules are the port's, as SQL.
 */
export async function checkRecords(access: AccessPort, rows: Kysely<any>, model: string, table: string, mode: AccessMode, ids: readonly number[], label: string): Promise<void> {
  await access.check(model, mode);
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const allowed = async (ruleMode: AccessMode) => {
    const rules = await access.rules(model, ruleMode, 'r');
    const { rows: found } = await sql<{ id: number }>`SELECT r.id FROM ${sql.table(table)} AS r WHERE r.id = ANY(${unique}::int4[]) AND ${rules}`.execute(rows);
    return new Set(found.map((f) => f.id));
  };
  if (mode !== 'create') {
    const readable = await allowed('read');
    const hidden = unique.find((id) => !readable.has(id));
    if (hidden !== undefined) throw problems.notFound(`${label} ${hidden} does not exist`);
    if (mode === 'read') return;
  }
  const permitted = await allowed(mode);
  const denied = unique.filter((id) => !permitted.has(id));
  if (denied.length) throw problems.forbidden(`The record rules of ${model} do not allow user ${access.uid} to ${mode} ${label} ${denied.join(', ')}.`);
}

/** Record rules as SQL text for list queries written as text: the condition, and its parameters to append. */
export interface RulesSql {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * The caller's `mode` rules over `alias` (a row of the model's table) as SQL text whose
 * placeholders come after the query's own `before` ones: `... WHERE <own conditions> AND (${sql})`
 * with `[...own values, ...parameters]`. The rules are the port's, compiled for `rows`.
 */
export async function rulesSql(access: AccessPort, rows: Kysely<any>, model: string, mode: AccessMode, alias: string, before = 0): Promise<RulesSql> {
  const compiled = (await access.rules(model, mode, alias)).compile(rows);
  return { sql: compiled.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + before}`), parameters: compiled.parameters };
}
