import { randomUUID } from 'node:crypto';
import { keyError, missingBehaviour, missingError, userError } from '../../errors.ts';
import { userInGroup } from '../access/user-in-group.ts';
import type { CallContext } from '../call-context.ts';
import { readAsUser } from '../methods/checked-read.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { translated } from '../registry/types.ts';
import { formatPythonFloat } from '../../wire/xmlrpc/python-float-repr.ts';
import { PythonFloat } from '../../wire/xmlrpc/values.ts';

/** A cell that becomes the record's external id once every row is built (`(model, id)` in Python). */
class XmlIdCell {
  constructor(readonly model: string, readonly id: number) {}
}
type Cell = unknown;
type Path = string[];

const RELATIONAL = new Set(['many2one', 'one2many', 'many2many']);

/**
 * `BaseModel.export_data(fields_to_export)` (odoo/models.py 18): only an admin
 * (`base.group_erp_manager`) or a member of `base.group_allow_export` may export; each field path
 * is split on `/` (`a.id` → `a/.id`, `a:id` → `a/id`); rows come from `_export_rows`, with
 * `(model, id)` cells turned into external ids at the top level, creating `__export__` ones for
 * records that have none (so a call asking for `id` writes `ir_model_data`, as Odoo does). Every
 * value is read as the user reads it (read right, record rules, field groups, also on the
 * related records whose names are exported): exporting widens no read.
 */
export async function exportData(ctx: CallContext, model: ModelInfo, ids: readonly number[], fieldsToExport: unknown): Promise<{ datas: Cell[][] }> {
  const allowed = (await userInGroup(ctx.db, ctx.access, 'base.group_erp_manager')) || (await userInGroup(ctx.db, ctx.access, 'base.group_allow_export'));
  if (!allowed) throw userError("You don't have the rights to export data. Please contact an Administrator.");
  const paths = (Array.isArray(fieldsToExport) ? fieldsToExport : []).map((f) => fixIdPaths(String(f)));
  const exporter = new Exporter(ctx, ctx.context.import_compat !== false && ctx.context.import_compat !== 0);
  const lines = await exporter.rows(model, ids, paths);
  if (paths.some((p) => p[p.length - 1] === 'id')) await exporter.resolveXmlIds(lines);
  return { datas: lines };
}

/** models.py `fix_import_export_id_paths`. */
export function fixIdPaths(name: string): Path {
  return name.replace(/([^/])\.id/g, '$1/.id').replace(/([^/]):id/g, '$1/id').split('/');
}

class Exporter {
  private userTz: string | null | undefined;
  constructor(private readonly ctx: CallContext, private readonly importCompatible: boolean) {}

  /** `_export_rows(fields)`: one line per record, plus the extra lines of its one2many/many2many values. */
  async rows(model: ModelInfo, ids: readonly number[], paths: Path[]): Promise<Cell[][]> {
    const names = [...new Set(paths.filter((p) => p.length && p[0] !== '.id' && p[0] !== 'id').map((p) => p[0]!))];
    const fields = new Map<string, FieldInfo>();
    for (const name of names) {
      if (name.includes('.')) throw missingBehaviour(model.name, `exporting the property ${name}`);
      const field = model.fields.get(name);
      if (!field) throw keyError(name);
      fields.set(name, field);
    }
    const values = await this.read(model, ids, [...fields.keys()]);
    const lines: Cell[][] = [];
    for (const id of ids) {
      const current: Cell[] = paths.map(() => '');
      lines.push(current);
      const primaryDone = new Set<string>();
      const row = values.get(id);
      for (const [i, path] of paths.entries()) {
        if (!path.length) continue;
        const name = path[0]!;
        if (primaryDone.has(name)) continue;
        if (name === '.id') {
          current[i] = String(id);
          continue;
        }
        if (name === 'id') {
          current[i] = new XmlIdCell(model.name, id);
          continue;
        }
        const field = fields.get(name)!;
        const value = row![name];
        if (field.type === 'reference' && value) {
          if (this.importCompatible) {
            current[i] = value;
            continue;
          }
        } else if (!RELATIONAL.has(field.type)) {
          current[i] = await this.exportValue(field, value);
          continue;
        }
        primaryDone.add(name);
        // The paths under this field, `display_name` where none is given; other columns empty.
        const subPaths = paths.map((p) => (p.length && p[0] === name ? (p.length > 1 ? p.slice(1) : ['display_name']) : []));
        const [comodel, subIds] = this.target(field, value);
        if (this.importCompatible && field.type === 'many2many') {
          let index = i;
          let wanted: string | null = null;
          for (const candidate of ['id', 'name', 'display_name']) {
            const at = subPaths.findIndex((p) => p.length === 1 && p[0] === candidate);
            if (at >= 0) {
              index = at;
              wanted = candidate;
              break;
            }
          }
          if (wanted === 'id') current[index] = subIds.length ? (await this.xmlIds(comodel!, subIds)).join(',') : '';
          else current[index] = subIds.length ? (await this.namesAsUser(comodel!, subIds)).join(',') : '';
          continue;
        }
        const subLines = comodel && subIds.length ? await this.rows(comodel, subIds, subPaths) : [];
        if (subLines.length) {
          // Python merges `val or isinstance(val, (int, float))`: bools and zeros count, '' does not.
          for (const [j, val] of subLines[0]!.entries()) if (isPythonTruthy(val) || typeof val === 'number' || typeof val === 'boolean') current[j] = val;
          lines.push(...subLines.slice(1));
        } else {
          current[i] = '';
        }
      }
    }
    return lines;
  }

  /** The records a relational (or non-compatible reference) value holds. */
  private target(field: FieldInfo, value: unknown): [ModelInfo | undefined, number[]] {
    if (field.type === 'reference') {
      const [name, id] = String(value).split(',');
      return [this.ctx.registry.model(name ?? ''), Number.isInteger(Number(id)) ? [Number(id)] : []];
    }
    const comodel = this.ctx.registry.model(field.relation ?? '');
    if (field.type === 'many2one') return [comodel, typeof value === 'number' ? [value] : []];
    return [comodel, Array.isArray(value) ? (value as number[]) : []];
  }

  private async read(model: ModelInfo, ids: readonly number[], names: string[]): Promise<Map<number, Record<string, unknown>>> {
    if (!names.length) return new Map();
    // Field.__get__ → `_fetch_field` checks the user may read each field, on every level exported.
    if (ids.length) this.ctx.fieldAccess.check(model, 'read', names);
    const unique = [...new Set(ids)];
    const rows = await readAsUser(this.ctx, model, unique, names, null);
    const byId = new Map(rows.map((r) => [r.id as number, r]));
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing.join(', ')}${missing.length === 1 ? ',' : ''}), User: ${this.ctx.uid})`);
    return byId;
  }

  private async namesAsUser(model: ModelInfo, ids: number[]): Promise<string[]> {
    const byId = await this.read(model, ids, ['display_name']);
    return ids.map((id) => String(byId.get(id)!.display_name || ''));
  }

  /** `Field.convert_to_export` per type (odoo/fields.py 18). */
  private async exportValue(field: FieldInfo, value: unknown): Promise<Cell> {
    switch (field.type) {
      case 'boolean':
        return Boolean(value);
      case 'integer':
      case 'float':
      case 'monetary':
      case 'many2one_reference':
        return value === false || value === null || value === undefined ? '' : value;
      case 'datetime':
        return typeof value === 'string' && value ? this.userTime(value) : '';
      case 'selection': {
        if (!field.selection) return value || '';
        const item = field.selection.find(([key]) => key === value);
        return item ? translated(item[1], this.ctx.lang) : '';
      }
      case 'json':
        return isPythonTruthy(value) ? pythonJsonDumps(value) : '';
      case 'properties':
      case 'properties_definition':
        throw missingBehaviour(field.model, `exporting the properties field ${field.name}`);
      default:
        return isPythonTruthy(value) ? value : '';
    }
  }

  /** `Datetime.context_timestamp`: the UTC value in the context's tz, else the user's. */
  private async userTime(utc: string): Promise<string> {
    const tz = this.ctx.tz ?? (await this.ownTz());
    if (!tz) return utc;
    const at = new Date(utc.replace(' ', 'T') + 'Z');
    try {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
          .formatToParts(at)
          .map((p) => [p.type, p.value]),
      );
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
    } catch {
      return utc; // pytz would refuse an unknown name; a stored tz comes from Odoo's own list
    }
  }

  private async ownTz(): Promise<string | null> {
    if (this.userTz === undefined) {
      const r = await this.ctx.db.query<{ tz: string | null }>('SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [this.ctx.uid]);
      this.userTz = r.rows[0]?.tz ?? null;
    }
    return this.userTz;
  }

  /** `__ensure_xml_id`: each record's external id, an `__export__.<table>_<id>_<8 hex>` one created where missing. */
  async xmlIds(model: ModelInfo, ids: readonly number[]): Promise<string[]> {
    if (!model.table) throw new Error(`You can not export the column ID of model ${model.name}, because the table is not an ordinary table.`);
    const unique = [...new Set(ids)];
    const found = await this.ctx.db.query<{ res_id: number; module: string | null; name: string }>(
      'SELECT res_id, module, name FROM ir_model_data WHERE model = $1 AND res_id = ANY($2::int4[])',
      [model.name, unique],
    );
    const xids = new Map(found.rows.map((r) => [r.res_id, r.module ? `${r.module}.${r.name}` : r.name]));
    for (const id of unique) {
      if (xids.has(id)) continue;
      const name = `${model.table}_${id}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
      await this.ctx.db.query("INSERT INTO ir_model_data (module, model, name, res_id) VALUES ('__export__', $1, $2, $3)", [model.name, name, id]);
      xids.set(id, `__export__.${name}`);
    }
    return ids.map((id) => xids.get(id)!);
  }

  /** The top level's `(model, id)` cells as external ids, per model in one pass. */
  async resolveXmlIds(lines: Cell[][]): Promise<void> {
    const byModel = new Map<string, Set<number>>();
    for (const line of lines) for (const cell of line) if (cell instanceof XmlIdCell) (byModel.get(cell.model) ?? byModel.set(cell.model, new Set()).get(cell.model)!).add(cell.id);
    const names = new Map<string, string>();
    for (const [name, ids] of byModel) {
      const list = [...ids];
      const xids = await this.xmlIds(this.ctx.registry.model(name)!, list);
      list.forEach((id, k) => names.set(`${name},${id}`, xids[k]!));
    }
    for (const line of lines) for (const [j, cell] of line.entries()) if (cell instanceof XmlIdCell) line[j] = names.get(`${cell.model},${cell.id}`)!;
  }
}

function isPythonTruthy(value: unknown): boolean {
  if (value === false || value === null || value === undefined || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PythonFloat) return value.value !== 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0 || !(value.constructor === Object);
  return true;
}

/** Python's `json.dumps(value)`: `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJsonDumps(value: unknown): string {
  const ascii = (text: string) => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const dump = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v instanceof PythonFloat) return formatPythonFloat(v.value);
    if (Array.isArray(v)) return `[${v.map(dump).join(', ')}]`;
    if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${ascii(JSON.stringify(k))}: ${dump(x)}`).join(', ')}}`;
    if (typeof v === 'string') return ascii(JSON.stringify(v));
    return JSON.stringify(v);
  };
  return dump(value);
}
