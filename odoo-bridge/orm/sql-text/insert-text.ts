import { StatementText } from './statement-text.ts';

/**
 * The text of the INSERT Odoo 18's `BaseModel._create` sends for one batch of records, with the
 * values psycopg2 interpolated into it: `INSERT INTO "<table>" ("<col>", …) VALUES (…), (…)
 * RETURNING "id"`, the columns being every stored column field any record of the batch holds, in
 * sorted name order, and a record lacking one giving `DEFAULT`. PostgreSQL reports a value it
 * refuses by its position in this text, which libpq shows as the `LINE 1:` excerpt.
 *
 * A cell is psycopg2's rendering of the value (insert-literals.ts), or null when Ficus cannot
 * know it (a value Odoo computes before inserting): it is then opaque, and an excerpt that
 * would show it is not given.
 */
export type InsertCell = string | null;

export interface InsertText {
  readonly statement: StatementText;
  /** The 1-based character position of a cell's first character, or undefined when the row lacks the column. */
  cellPosition(row: number, column: string): number | undefined;
}

export function odooInsertText(table: string, rows: ReadonlyArray<ReadonlyMap<string, InsertCell>>): InsertText {
  const columns = [...new Set(rows.flatMap((row) => [...row.keys()]))].sort(pythonStrOrder);
  const statement = new StatementText();
  const positions: Array<Map<string, number>> = [];
  let length = 0;
  const append = (text: string | null) => {
    if (text === null) {
      statement.opaque();
      length = Array.from(statement.text).length;
    } else {
      statement.append(text);
      length += Array.from(text).length;
    }
  };
  // `_create` inserts the id's DEFAULT alone when no record holds a column.
  const shown = columns.length ? columns : ['id'];
  append(`INSERT INTO ${identifier(table)} (${shown.map(identifier).join(', ')}) VALUES `);
  for (const [index, row] of rows.entries()) {
    const at = new Map<string, number>();
    append(index ? ', (' : '(');
    for (const [i, column] of shown.entries()) {
      if (i) append(', ');
      at.set(column, length + 1);
      append(row.has(column) ? row.get(column)! : 'DEFAULT');
    }
    append(')');
    positions.push(at);
  }
  append(' RETURNING "id"');
  return {
    statement,
    cellPosition: (row, column) => (rows[row]?.has(column) ? positions[row]?.get(column) : undefined),
  };
}

/** psycopg2's `sql.Identifier`: double quotes, inner ones doubled. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Python sorts str by code point; JavaScript's default sort compares UTF-16 units (the same for field names). */
function pythonStrOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
