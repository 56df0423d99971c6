import { CALLBACK_VALIDITY_SECONDS } from './callback-signature.ts';
import type { LiveUrlSettings } from './live-urls.ts';

/**
 * The biz service's Tencent Cloud CSS settings, from the environment (as the kit's settings and
 * finance's webhook secret are), read per request so that a rolled key needs no restart. Keys are
 * secrets: never logged, never answered, never part of an error.
 *
 * | variable | meaning |
 * |---|---|
 * | FICUS_TENCENT_LIVE_PUSH_DOMAIN | the push domain (e.g. `livepush.example.com`) |
 * | FICUS_TENCENT_LIVE_PLAY_DOMAIN | the playback domain (e.g. `liveplay.example.com`) |
 * | FICUS_TENCENT_LIVE_APP_NAME | the CSS application, the push path (default `live`) |
 * | FICUS_TENCENT_LIVE_PUSH_KEY | the push domain's authentication key |
 * | FICUS_TENCENT_LIVE_PLAY_KEY | the playback domain's authentication key (unset: unsigned play URLs) |
 * | FICUS_TENCENT_LIVE_URL_VALIDITY_SECONDS | how long a push or play URL handed out is valid (default 86400) |
 * | FICUS_TENCENT_LIVE_CALLBACK_KEY | the callback key set in CSS's callback template |
 * | FICUS_TENCENT_LIVE_CALLBACK_KEY_PREVIOUS | the previous callback key, accepted too while rolling it |
 * | FICUS_TENCENT_LIVE_CALLBACK_VALIDITY_SECONDS | how far ahead a callback's expiry `t` may lie (default 600, CSS's) |
 *
 * Without the domains and the push key, streams are still created and answered, without URLs;
 * without a callback key the callback endpoint answers 503.
 */
export const DEFAULT_APP_NAME = 'live';
export const DEFAULT_URL_VALIDITY_SECONDS = 86_400;

export interface CallbackSettings {
  /** The current key first, then the previous one while rolling. */
  keys: string[];
  validitySeconds: number;
  /** The CSS application whose streams are ours; callbacks of another application are ignored. */
  appName: string;
}

/** A setting present but unusable: names the variable, never its value (it may be a key). */
export class TencentSettingsError extends Error {
  constructor(readonly variable: string, why: string) {
    super(`${variable} ${why}`);
    this.name = 'TencentSettingsError';
  }
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?$/;
const APP_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const KEY = /^[\x21-\x7e]{1,256}$/;

function text(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value ? value : undefined;
}

function seconds(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const value = text(env, variable);
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new TencentSettingsError(variable, 'must be a whole number of seconds, at least 1');
  return Number(value);
}

function checked(env: NodeJS.ProcessEnv, variable: string, pattern: RegExp, what: string): string | undefined {
  const value = text(env, variable);
  if (value !== undefined && !pattern.test(value)) throw new TencentSettingsError(variable, `is not ${what}`);
  return value;
}

function appNameOf(env: NodeJS.ProcessEnv): string {
  return checked(env, 'FICUS_TENCENT_LIVE_APP_NAME', APP_NAME, 'an application name (letters, digits, _ or -)') ?? DEFAULT_APP_NAME;
}

/** The push and play settings, or null when the domains or the push key are not configured. */
export function liveUrlSettings(env: NodeJS.ProcessEnv = process.env): LiveUrlSettings | null {
  const pushDomain = checked(env, 'FICUS_TENCENT_LIVE_PUSH_DOMAIN', HOST, 'a host name');
  const playDomain = checked(env, 'FICUS_TENCENT_LIVE_PLAY_DOMAIN', HOST, 'a host name');
  const pushKey = checked(env, 'FICUS_TENCENT_LIVE_PUSH_KEY', KEY, 'a key of visible ASCII characters');
  const playKey = checked(env, 'FICUS_TENCENT_LIVE_PLAY_KEY', KEY, 'a key of visible ASCII characters');
  const appName = appNameOf(env);
  const urlValiditySeconds = seconds(env, 'FICUS_TENCENT_LIVE_URL_VALIDITY_SECONDS', DEFAULT_URL_VALIDITY_SECONDS);
  if (!pushDomain || !playDomain || !pushKey) return null;
  return { pushDomain, playDomain, appName, pushKey, playKey, urlValiditySeconds };
}

/** The callback settings, or null when no callback key is configured. */
export function callbackSettings(env: NodeJS.ProcessEnv = process.env): CallbackSettings | null {
  const current = checked(env, 'FICUS_TENCENT_LIVE_CALLBACK_KEY', KEY, 'a key of visible ASCII characters');
  const previous = checked(env, 'FICUS_TENCENT_LIVE_CALLBACK_KEY_PREVIOUS', KEY, 'a key of visible ASCII characters');
  const validitySeconds = seconds(env, 'FICUS_TENCENT_LIVE_CALLBACK_VALIDITY_SECONDS', CALLBACK_VALIDITY_SECONDS);
  const keys = [current, previous].filter((k): k is string => !!k);
  if (!current) return null;
  return { keys, validitySeconds, appName: appNameOf(env) };
}
