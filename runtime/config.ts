import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS, type FicusConfig, type SettingSpec } from './settings.ts';

/** A setting that cannot be used; the message names it so the operator knows what to fix. */
export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`invalid setting ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths; the working directory by default. */
  cwd?: string;
}

/**
 * Reads settings from an optional JSON file (`FICUS_CONFIG`) and the environment; the
 * environment wins. Every value is checked here, so nothing starts on a bad setting.
 */
export function loadConfig({ env = process.env, cwd = process.cwd() }: LoadOptions = {}): FicusConfig {
  const fromFile = readConfigFile(env.FICUS_CONFIG, cwd);
  const config: Record<string, string | number | undefined> = {};
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const envValue = env[spec.env];
    const fileValue = fromFile[spec.key];
    const source = envValue !== undefined && envValue !== '' ? spec.env : `${env.FICUS_CONFIG}: ${spec.key}`;
    const raw = envValue !== undefined && envValue !== '' ? envValue : fileValue ?? spec.default;
    config[spec.key] = raw === undefined ? undefined : parseSetting(spec, raw, source, cwd);
  }
  const validated = config as FicusConfig;
  checkDumpExists(validated, env);
  return validated;
}

function readConfigFile(file: string | undefined, cwd: string): Record<string, unknown> {
  if (!file) return {};
  const full = path.resolve(cwd, file);
  if (!existsSync(full)) throw new ConfigError('FICUS_CONFIG', `file ${full} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new ConfigError('FICUS_CONFIG', `${full} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('FICUS_CONFIG', `${full} must hold a JSON object`);
  }
  const known = new Set(SETTINGS.map((s) => s.key as string));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`FICUS_CONFIG: ${key}`, `unknown setting (known: ${[...known].join(', ')})`);
  }
  return parsed as Record<string, unknown>;
}

function parseSetting(spec: SettingSpec, raw: unknown, source: string, cwd: string): string | number {
  const text = String(raw).trim();
  const fail = (why: string): never => {
    throw new ConfigError(source, `${JSON.stringify(raw)} ${why}`);
  };
  switch (spec.type) {
    case 'port': {
      if (!/^\d+$/.test(text)) fail('is not a port number (1-65535)');
      const port = Number(text);
      if (port < 1 || port > 65535) fail('is not a port number (1-65535)');
      return port;
    }
    case 'duration-ms':
    case 'integer': {
      if (!/^\d+$/.test(text)) fail('is not a non-negative whole number');
      return Number(text);
    }
    case 'url': {
      try {
        new URL(text);
      } catch {
        fail('is not a URL');
      }
      return text;
    }
    case 'enum':
      if (!spec.values?.includes(text)) fail(`is not one of ${spec.values?.join(', ')}`);
      return text;
    case 'time-of-day':
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(text)) fail('is not a time of day HH:MM (00:00-23:59)');
      return text;
    case 'path':
      if (text === '') fail('is empty');
      return path.resolve(cwd, text);
    case 'string':
      if (text === '') fail('is empty');
      return text;
  }
}

/** The dump matters only in embedded mode; checked up front so nothing starts on a bad path. */
function checkDumpExists(config: FicusConfig, env: NodeJS.ProcessEnv): void {
  if (config.legacyDatabaseUrl) return;
  if (!existsSync(config.legacyDumpPath)) {
    const source = env.FICUS_LEGACY_DUMP ? 'FICUS_LEGACY_DUMP' : 'legacyDumpPath';
    throw new ConfigError(source, `dump file ${config.legacyDumpPath} does not exist`);
  }
}

/** The README's configuration table. */
export function settingsMarkdownTable(): string {
  const rows = (SETTINGS as readonly SettingSpec[]).map(
    (s) => `| \`${s.env}\` | \`${s.key}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description} |`,
  );
  return ['| environment | config file key | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
