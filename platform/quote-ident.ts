/** A PostgreSQL identifier (table, column, database name) quoted so that any name is safe in SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
