import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** ORM methods an addon may override; they are served by the engine itself, not "business methods". */
const CRUD = new Set(['create', 'write', 'unlink', 'copy', 'read', 'search', 'search_read', 'name_get', 'name_search', 'default_get', 'fields_get', 'init', 'copy_data', 'name_create', 'read_group', 'web_read', 'web_search_read']);

/** The legacy addons' Python (a copy of ../shared/legacy-odoo/addons, so a clone works alone). */
export const DEFAULT_ADDONS_PATH = path.resolve(import.meta.dirname, '../../../fixtures/legacy-addons');

/**
 * The public non-CRUD methods an addon's Python defines, per model (`def action_mark_seen(self)`
 * in a class whose `_name` or `_inherit` is `hp.user.feed`). Decorated helpers that Odoo never
 * exposes (`_compute_…`, `_check_…`) start with an underscore and are left out by the name rule.
 */
export async function legacyBusinessMethods(addonsPath: string, addon: string): Promise<Map<string, string[]>> {
  const dir = path.join(addonsPath, addon, 'models');
  const methods = new Map<string, string[]>();
  if (!existsSync(dir)) throw new Error(`addon sources not found: ${dir}`);
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.py')).sort()) {
    const source = await readFile(path.join(dir, file), 'utf8');
    for (const block of source.split(/^class\s+/m).slice(1)) {
      const model = /^\s+_name\s*=\s*['"]([^'"]+)['"]/m.exec(block)?.[1] ?? /^\s+_inherit\s*=\s*['"]([^'"]+)['"]/m.exec(block)?.[1];
      if (!model) continue;
      for (const match of block.matchAll(/^    def ([a-z][a-z0-9_]*)\s*\(/gm)) {
        const name = match[1]!;
        if (CRUD.has(name)) continue;
        const list = methods.get(model) ?? [];
        if (!list.includes(name)) list.push(name);
        methods.set(model, list);
      }
    }
  }
  return methods;
}
