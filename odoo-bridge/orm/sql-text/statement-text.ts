import { errorPositionExcerpt } from './libpq-error-position.ts';

/**
 * The text of a statement Odoo would send to PostgreSQL for a call, as far as Ficus can know it,
 * with the client values psycopg2 interpolated into it (psycopg2 quotes parameters client-side,
 * so PostgreSQL sees them as literals and reports a bad one by its position in this text).
 *
 * Parts Ficus cannot reproduce exactly (the record rules' conditions, a read's column list) are
 * *opaque*: they hold a run of placeholder characters, and an excerpt that would show any of them
 * is not given. Opaque parts are assumed to hold no line break (Odoo writes its SQL on one line).
 */
export interface ClientLiteral {
  /** 1-based character position of the literal's first character, as PostgreSQL reports it. */
  readonly position: number;
  /** The text PostgreSQL receives for the literal (what it will try to read as `pgType`). */
  readonly value: string;
  /** The type PostgreSQL coerces the quoted literal to. */
  readonly pgType: 'integer' | 'bigint' | 'date' | 'timestamp';
}

const OPAQUE_CHAR = '\u{F8FF}';
const OPAQUE_RUN = OPAQUE_CHAR.repeat(200);

export class StatementText {
  private readonly parts: string[] = [];
  private length = 0;
  /** In PostgreSQL's order of reading them (parse analysis: WHERE, then OFFSET, then LIMIT). */
  readonly literals: ClientLiteral[] = [];

  append(text: string): this {
    this.parts.push(text);
    this.length += Array.from(text).length;
    return this;
  }

  opaque(): this {
    return this.append(OPAQUE_RUN);
  }

  /** A quoted string literal PostgreSQL coerces to `pgType` (psycopg2's `%s` of a Python str). */
  literal(value: string, pgType: ClientLiteral['pgType']): this {
    this.literals.push({ position: this.length + 1, value, pgType });
    return this.append(quoted(value));
  }

  /** Appends another text (a part written on the side), its literals moved to their place here. */
  appendFrom(other: StatementText): this {
    const shift = this.length;
    for (const literal of other.literals) this.literals.push({ ...literal, position: literal.position + shift });
    return this.append(other.text);
  }

  get text(): string {
    return this.parts.join('');
  }

  /** libpq's `LINE n: …` display for a position, or null when it would show an opaque part. */
  excerptAt(position: number): string | null {
    const excerpt = errorPositionExcerpt(this.text, position);
    return excerpt.includes(OPAQUE_CHAR) ? null : excerpt;
  }
}

/** psycopg2's adaptation of a Python str (standard_conforming_strings on: quotes doubled). */
export function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** psycopg2's adaptation of a Python int or float (a negative number gets a leading space). */
export function pyNumberLiteral(value: number, asFloat: boolean): string {
  let text: string;
  if (asFloat && Number.isInteger(value) && Math.abs(value) < 1e16) text = value.toFixed(1);
  else if (Number.isInteger(value)) text = String(value);
  else text = String(value).replace(/e([+-])(\d)$/, 'e$10$2');
  return value < 0 || Object.is(value, -0) ? ` ${text}` : text;
}

/** `repr(float)` as psycopg2 writes it, or null where Python's repr and JavaScript's differ in form (exponents). */
export function psycopgFloat(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) return null;
  return pyNumberLiteral(value, true);
}

/** psycopg2's adaptation of a JSON value from the wire (int, float, str, bool, None, list), or null. */
export function psycopgValue(value: unknown): string | null {
  if (value === null || value === undefined) return 'NULL';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number') return Number.isInteger(value) ? pyNumberLiteral(value, false) : psycopgFloat(value);
  if (Array.isArray(value)) {
    const items = value.map(psycopgValue);
    return items.every((item) => item !== null) ? `ARRAY[${items.join(',')}]` : null;
  }
  return null;
}
