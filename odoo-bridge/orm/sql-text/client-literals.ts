import { OdooError } from '../../errors.ts';
import type { ClientLiteral, StatementText } from './statement-text.ts';

/**
 * psycopg2's exception for a PostgreSQL error: the class `psycopg2.errors.<Name>` of its
 * SQLSTATE, the text `<message>\n<LINE excerpt><DETAIL/HINT lines>` (libpq's default
 * verbosity, the `ERROR:  ` severity stripped by psycopg2).
 */
const PSYCOPG_CLASS: Record<string, string> = {
  '22001': 'StringDataRightTruncation',
  '22003': 'NumericValueOutOfRange',
  '22007': 'InvalidDatetimeFormat',
  '22008': 'DatetimeFieldOverflow',
  '22012': 'DivisionByZero',
  '22023': 'InvalidParameterValue',
  '2201W': 'InvalidRowCountInLimitClause',
  '2201X': 'InvalidRowCountInResultOffsetClause',
  '22P02': 'InvalidTextRepresentation',
  '42804': 'DatatypeMismatch',
  '42883': 'UndefinedFunction',
};

export function psycopgClassOf(sqlstate: string): `psycopg2.errors.${string}` | null {
  const name = PSYCOPG_CLASS[sqlstate];
  return name ? `psycopg2.errors.${name}` : null;
}

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

/** The psycopg2 error Odoo would get for `error`, raised by `literal` of Odoo's statement `statement`. */
export function psycopgErrorAt(error: PgError, statement: StatementText | null, literal: ClientLiteral | null): OdooError | null {
  const name = psycopgClassOf(error.code ?? '');
  if (!name) return null;
  const excerpt = statement && literal ? statement.excerptAt(literal.position) ?? '' : '';
  const detail = error.detail ? `DETAIL:  ${error.detail}\n` : '';
  const hint = error.hint ? `HINT:  ${error.hint}\n` : '';
  return new OdooError(name, `${error.message ?? ''}\n${excerpt}${detail}${hint}`);
}

/**
 * Reads each client literal of Odoo's statement as PostgreSQL would (in its order); the first it
 * refuses is Odoo's answer, with the excerpt of Odoo's statement at that literal. Integers are
 * read by PostgreSQL's own rules here (int4in/int8in: blanks around an optional sign and digits),
 * without a round trip, so a refusal never aborts the call's transaction; a date's literal is
 * checked where the domain's temporal values are (domain/temporal-literals.ts).
 */
export function assertClientLiteralsValid(statement: StatementText, literals: readonly ClientLiteral[] = statement.literals): void {
  for (const literal of literals) {
    const refusal = integerRefusal(literal);
    if (refusal) throw psycopgErrorAt(refusal, statement, literal) ?? new OdooError('builtins.ValueError', refusal.message ?? '');
  }
}

const PG_BLANKS = '[ \\t\\n\\r\\v\\f]*';
const INTEGER_TEXT = new RegExp(`^${PG_BLANKS}([+-]?)(\\d+)${PG_BLANKS}$`);
const RANGE = { integer: 2n ** 31n, bigint: 2n ** 63n } as const;

/** PostgreSQL's refusal of a literal read as integer/bigint (SQLSTATE and message), or null. */
export function integerRefusal(literal: Pick<ClientLiteral, 'value' | 'pgType'>): PgError | null {
  if (literal.pgType !== 'integer' && literal.pgType !== 'bigint') return null;
  const match = INTEGER_TEXT.exec(literal.value);
  if (!match) return { code: '22P02', message: `invalid input syntax for type ${literal.pgType}: "${literal.value}"` };
  const magnitude = BigInt(match[2]!);
  const limit = RANGE[literal.pgType];
  if (match[1] === '-' ? magnitude > limit : magnitude >= limit) {
    return { code: '22003', message: `value "${literal.value}" is out of range for type ${literal.pgType}` };
  }
  return null;
}

/** Executor errors of LIMIT/OFFSET (nodeLimit.c): no position, OFFSET's checked first. */
export function assertPagingNotNegative(limit: number | null, offset: number): void {
  if (offset < 0) throw new OdooError('psycopg2.errors.InvalidRowCountInResultOffsetClause', 'OFFSET must not be negative\n');
  if (limit !== null && limit < 0) throw new OdooError('psycopg2.errors.InvalidRowCountInLimitClause', 'LIMIT must not be negative\n');
}
