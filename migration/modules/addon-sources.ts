import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `_table` declarations read from addon sources (`<addons>/<addon>/**\/*.py`). Odoo does not
 * store `_table` anywhere in the database, so the registry resolves tables from the catalog
 * first (see table-resolution.ts) and uses the sources only as a fallback and a cross-check.
 * The parse is deliberately small: per `class`, the quoted values of `_name`, `_inherit`
 * (a single string) and `_table`.
 */
export async function readAddonTableDeclarations(addonsPath: string): Promise<Map<string, string>> {
  const tables = new Map<string, string>();
  if (!existsSync(addonsPath)) return tables;
  for (const file of await pythonFiles(addonsPath)) {
    const source = await readFile(file, 'utf8');
    for (const block of source.split(/^class\s+/m).slice(1)) {
      const name = quoted(block, '_name') ?? quoted(block, '_inherit');
      const table = quoted(block, '_table');
      if (name && table) tables.set(name, table);
    }
  }
  return tables;
}

function quoted(block: string, attribute: string): string | undefined {
  return new RegExp(`^\\s+${attribute}\\s*=\\s*['"]([^'"]+)['"]`, 'm').exec(block)?.[1];
}

async function pythonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.py'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}
