import type { Queryable } from '../../sql/execute.ts';

/** `env.ref(xmlid, raise_if_not_found=False).id`: the record id behind `module.name`, or null. */
export async function xmlidToResId(db: Queryable, xmlid: string, model?: string): Promise<number | null> {
  const dot = xmlid.indexOf('.');
  const r = await db.query<{ res_id: number }>(
    `SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2 AND ($3::varchar IS NULL OR model = $3) LIMIT 1`,
    [xmlid.slice(0, dot), xmlid.slice(dot + 1), model ?? null],
  );
  return r.rows[0]?.res_id ?? null;
}

/** `ir.config_parameter.get_param(key)`, or null when unset. */
export async function configParameter(db: Queryable, key: string): Promise<string | null> {
  const r = await db.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = $1`, [key]);
  return r.rows[0]?.value ?? null;
}

/** Whether an addon is installed (its Python overrides are then part of the model). */
export async function moduleInstalled(db: Queryable, name: string): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM ir_module_module WHERE name = $1 AND state = 'installed'`, [name]);
  return (r.rowCount ?? 0) > 0;
}

/** tools.str2bool with a default, as base_setup reads its flags. */
export function str2bool(value: string | null, fallback: boolean): boolean {
  if (value == null) return fallback;
  const v = value.trim().toLowerCase();
  if (['y', 'yes', '1', 'true', 't', 'on'].includes(v)) return true;
  if (['n', 'no', '0', 'false', 'f', 'off'].includes(v)) return false;
  return fallback;
}
