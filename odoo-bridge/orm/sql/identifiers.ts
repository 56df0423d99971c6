import { sql, type RawBuilder } from 'kysely';

type Sql = RawBuilder<unknown>;

/**
 * `sql.ref('alias.column')` written once per distinct reference: the quoted text as kysely's
 * PostgreSQL compiler writes it (`"alias"."column"`, each part quoted, `"` doubled), kept as a
 * raw fragment. kysely's ref builds frozen reference and identifier nodes that the compiler
 * visits and sanitises again on every statement; a search_read names the same few columns on
 * every call, and a raw fragment compiles to its text in one step. The text is the same, so the
 * statement and its prepared name are the same (test/odoo-bridge/orm/sql/identifiers.test.ts).
 */
const references = new Map<string, Sql>();
/** Distinct references are bounded by the registry's columns times the few aliases a statement uses; this bounds anything else. */
const MAX_REFERENCES = 8192;

const quoted = (part: string) => `"${part.replace(/"/g, '""')}"`;

export function columnRef(reference: string): Sql {
  let fragment = references.get(reference);
  if (fragment) return fragment;
  // As kysely parses it: a name without a dot is taken whole, dotted parts are trimmed.
  const parts = reference.includes('.') ? reference.split('.').map((part) => part.trim()) : [reference];
  // kysely refuses more than schema.table.column: let it say so.
  if (parts.length > 3) return sql.ref(reference);
  fragment = sql.raw(parts.map(quoted).join('.'));
  if (references.size >= MAX_REFERENCES) references.clear();
  references.set(reference, fragment);
  return fragment;
}
