/**
 * Reads the cooldown parameters from the legacy `ir_config_parameter`, as `_on_login_cooldown`
 * does: `base.login_cooldown_after` (default 5, 0 disables) and `base.login_cooldown_duration`
 * (seconds, default 60). The hp_legacy database sets `login_cooldown_after` to 10, so the
 * defaults alone would be wrong there.
 */
import type { Kysely } from 'kysely';
import { toAuthDatabase, type AuthDatabaseSource } from './auth-database.ts';
import { ODOO_LOGIN_COOLDOWN_DEFAULTS, type LoginCooldownSettings } from './login-throttle.ts';

interface ConfigTables {
  ir_config_parameter: { key: string; value: string };
}

export const LOGIN_COOLDOWN_AFTER_PARAM = 'base.login_cooldown_after';
export const LOGIN_COOLDOWN_DURATION_PARAM = 'base.login_cooldown_duration';

export async function readLoginCooldownSettings(source: AuthDatabaseSource): Promise<LoginCooldownSettings> {
  const db = toAuthDatabase(source) as unknown as Kysely<ConfigTables>;
  const rows = await db
    .selectFrom('ir_config_parameter')
    .select(['key', 'value'])
    .where('key', 'in', [LOGIN_COOLDOWN_AFTER_PARAM, LOGIN_COOLDOWN_DURATION_PARAM])
    .execute();
  const param = (key: string) => rows.find((row) => row.key === key)?.value;
  const after = parseOdooInt(param(LOGIN_COOLDOWN_AFTER_PARAM));
  const seconds = parseOdooInt(param(LOGIN_COOLDOWN_DURATION_PARAM));
  return {
    failuresBeforeCooldown: after ?? ODOO_LOGIN_COOLDOWN_DEFAULTS.failuresBeforeCooldown,
    cooldownMs: seconds === undefined ? ODOO_LOGIN_COOLDOWN_DEFAULTS.cooldownMs : seconds * 1000,
  };
}

/**
 * Python's `int(value)` accepts surrounding whitespace and a sign; anything else makes Odoo
 * raise (every login would fail). Falling back to the default is the safer reading here.
 */
function parseOdooInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number.parseInt(trimmed, 10) : undefined;
}
