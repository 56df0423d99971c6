/**
 * What must never appear in an answer to a client: a Python or JavaScript traceback, a file path
 * of a server, SQL text or a PostgreSQL error. Returns the first kind found, or undefined.
 *
 * SQL is matched on upper-case keywords only (as the engine writes them), so an English error
 * message that says "update … from" is not taken for SQL.
 */
const LEAKS: [string, RegExp][] = [
  ['traceback', /Traceback|File "/],
  ['file path', /(^|[\s"'(=:])\/(work|opt|home|root|usr|srv|tmp)\/|node_modules|\.(ts|js|mjs|py):\d*/],
  ['stack frame', /\bat (async )?[\w.$<>[\]]+ \(|\n\s+at \S/],
  ['SQL', /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]{0,300}?\b(FROM|WHERE|INTO|SET)\b/],
  // Not here: PostgreSQL's data-error lines ('invalid input syntax for type integer: "x"'), which
  // quote only the client's own value and are what Odoo (psycopg2) answers for the same input.
  ['PostgreSQL error', /relation "|syntax error at or near|duplicate key|violates (foreign key|not-null|unique|check) constraint|column "[^"]*" (does not exist|of relation)/],
];

export function leakIn(text: string): string | undefined {
  for (const [kind, pattern] of LEAKS) {
    const match = pattern.exec(text);
    if (match) return `${kind}: ${JSON.stringify(text.slice(Math.max(0, match.index - 40), match.index + 60))}`;
  }
  return undefined;
}
