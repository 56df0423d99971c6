/**
 * What never reaches a log line: secrets, and the values of personal health data.
 *
 * Health columns are listed by table (legacy names) so that the reconciliation reports and the
 * shadow diffs can use the same list to blank values, not only the logger.
 */
export const SECRET_FIELD_NAMES = [
  'password',
  'passwd',
  'new_password',
  'old_password',
  'token',
  'access_token',
  'refresh_token',
  'token_hash',
  'api_key',
  'apiKey',
  'key',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'session_id',
] as const;

/** Columns holding personal health values, per legacy table. */
export const HEALTH_VALUE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  health_records: ['value', 'value2', 'note', 'unit', 'record_type'],
  health_goals: ['current_value', 'target_value', 'start_value', 'progress'],
  assessments: ['score', 'risk_level', 'answers', 'summary'],
  device_bindings: ['last_sync_data'],
  insights: ['body', 'data'],
};

export const HEALTH_FIELD_NAMES = [...new Set(Object.values(HEALTH_VALUE_COLUMNS).flat())];

export function isHealthColumn(table: string, column: string): boolean {
  return HEALTH_VALUE_COLUMNS[table]?.includes(column) ?? false;
}

/**
 * pino redact paths: secret and health-column names at the top level and up to two levels
 * down. Names like `value` are censored wherever they appear: a lost debugging detail costs
 * less than a blood-pressure reading in a log.
 */
export function redactPaths(): string[] {
  const names = [...new Set([...SECRET_FIELD_NAMES, ...HEALTH_FIELD_NAMES])];
  const quoted = names.map((n) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`));
  const join = (prefix: string, n: string) => (n.startsWith('[') ? `${prefix}${n}` : `${prefix}.${n}`);
  return quoted.flatMap((n) => [n.startsWith('[') ? n.slice(2, -2) : n, join('*', n), join('*.*', n)]);
}
