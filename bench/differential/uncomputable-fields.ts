/**
 * The fields of a database's models that Ficus cannot read (read-records.ts `refusalOf`): each
 * named in a read, search_read or web_read is refused with its reason. One line per field:
 * `model field type store reason`; the count last.
 *
 *   node --import tsx bench/differential/uncomputable-fields.ts postgres://odoo:odoo@127.0.0.1:55496/m6_ficus_odoo_ref [odoo_ref]
 */
import pg from 'pg';
import { introspectRegistry } from '../../odoo-bridge/orm/registry/introspect.ts';
import { refusalOf } from '../../odoo-bridge/orm/read/read-records.ts';

const [url, name = 'odoo_ref'] = process.argv.slice(2);
if (!url) throw new Error('usage: uncomputable-fields.ts <postgres url> [database name]');
const pool = new pg.Pool({ connectionString: url, max: 2 });
try {
  const registry = await introspectRegistry(name, pool);
  let count = 0;
  for (const model of [...registry.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!model.table) continue;
    for (const fieldName of model.fieldOrder) {
      const field = model.fields.get(fieldName)!;
      const refusal = refusalOf(registry, model, field);
      if (!refusal) continue;
      count += 1;
      console.log([model.name, field.name, field.type, field.store ? 'stored' : 'computed', refusal.message.replace(/^Ficus cannot run (.*?) of \S+: .*$/, '$1')].join('\t'));
    }
  }
  console.log(`${count} fields`);
} finally {
  await pool.end();
}
