import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run, type Queryable } from '../sql/execute.ts';
import type { SearchEnv, TemporalLiteral } from './search-env.ts';


const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** Remembers a leaf's temporal string for `assertTemporalLiteralsValid` (the compiler cannot await). */
export function noteTemporalLiteral(env: SearchEnv, model: ModelInfo, field: FieldInfo, operator: string, value: unknown): void {
  if ((field.type === 'date' || field.type === 'datetime') && typeof value === 'string' && COMPARISONS.has(operator)) {
    (env.temporalLiterals ??= []).push({ model, field, operator, value });
  }
}

/**
 * Odoo interpolates a domain's date/datetime string into its SQL (psycopg2) and PostgreSQL
 * refuses one that is not a date: `psycopg2.errors.InvalidDatetimeFormat` (22007) or, for a
 * well-formed one out of range, `DatetimeFieldOverflow` (22008, with its datestyle HINT). The
 * message is psycopg2's: PostgreSQL's text, then libpq's `LINE 1:` excerpt of Odoo's statement
 * around the literal (fe-protocol3.c reportErrorPosition: 60 columns, the literal's first 10 shown
 * and 50 before it, "..." where cut, a caret under the quote), then the HINT.
 *
 * Ficus binds values as parameters, so PostgreSQL has no position to report: each noted string is
 * cast first, and the excerpt is rebuilt from Odoo's statement text where that text is known for
 * certain — a domain of that one leaf, after the automatic `active` leaf or alone, whose
 * `FROM "<table>" WHERE (…` prefix fills the 50 columns. Otherwise the message is PostgreSQL's
 * first line, as before.
 */
export async function assertTemporalLiteralsValid(db: Queryable, env: SearchEnv, model: ModelInfo, domain: unknown): Promise<void> {
  // Noted as the compiler met them (the domain's last leaf first, as expression.py parses); PostgreSQL
  // casts them in the statement's order, so the first one it refuses is the last one noted.
  for (const literal of [...(env.temporalLiterals ?? [])].reverse()) {
    if (plainlyValid(literal.value)) continue;
    const cast = literal.field.type === 'date' ? sql`${literal.value}::date` : sql`${literal.value}::timestamp`;
    try {
      await run(db, sql`SELECT ${cast} AS checked`);
    } catch (error) {
      throw psycopgError(error, literal, model, domain, env);
    }
  }
}

/**
 * An ISO date or date-time every PostgreSQL accepts (`YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]`, a real
 * day, year 1-9999): the common case needs no round trip to be checked. Anything else is cast.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/;
export function plainlyValid(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > new Date(Date.UTC(2000, month, 0)).getUTCDate()) return false; // 29 in February: checked below
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && (m[6] === undefined || Number(m[6]) < 60));
}

function psycopgError(error: unknown, literal: TemporalLiteral, model: ModelInfo, domain: unknown, env: SearchEnv): Error {
  if (!(error instanceof OdooError) || !['psycopg2.errors.InvalidDatetimeFormat', 'psycopg2.errors.DatetimeFieldOverflow'].includes(error.exceptionName)) return error as Error;
  const firstLine = error.message.split('\n')[0]!;
  const excerpt = odooExcerpt(literal, model, domain, env);
  if (!excerpt) return error;
  const hint = error.exceptionName === 'psycopg2.errors.DatetimeFieldOverflow' ? 'HINT:  Perhaps you need a different "datestyle" setting.\n' : '';
  return new OdooError(error.exceptionName, `${firstLine}\n${excerpt}${hint}`);
}

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

function odooExcerpt(literal: TemporalLiteral, model: ModelInfo, domain: unknown, env: SearchEnv): string | null {
  if (literal.model !== model || !model.table || !Array.isArray(domain) || domain.length !== 1) return null;
  const leaf = domain[0];
  if (!Array.isArray(leaf) || leaf[0] !== literal.field.name) return null;
  const table = `"${model.table}"`;
  const condition = `(${table}."${literal.field.name}" ${literal.operator} `;
  const active = model.activeField && env.activeTest ? `(${table}."${model.activeField}" = true) AND ` : '';
  const before = `FROM ${table} WHERE ${active ? `(${active}` : ''}${condition}`;
  if (before.length < DISPLAY_SIZE - MIN_RIGHT_CUT) return null;
  const quoted = `'${literal.value.replaceAll("'", "''")}'`;
  if (quoted.length < MIN_RIGHT_CUT) return null;
  const shown = `${before.slice(before.length - (DISPLAY_SIZE - MIN_RIGHT_CUT))}${quoted.slice(0, MIN_RIGHT_CUT)}`;
  const prefix = 'LINE 1: ';
  return `${prefix}...${shown}...\n${' '.repeat(prefix.length + 3 + DISPLAY_SIZE - MIN_RIGHT_CUT)}^\n`;
}
