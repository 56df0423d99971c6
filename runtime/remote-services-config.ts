import { MIN_INTERNAL_SECRET_LENGTH } from '../services/kit/http/internal-signature.ts';
import { ConfigError } from './config.ts';

/**
 * Distributed mode's settings for the gateway: which services run apart and where. They are read
 * from the environment here (like the kit's, services/kit/config.ts) until the lead moves them into
 * runtime/settings.ts. None set: embedded mode, unchanged.
 *
 *   FICUS_SERVICE_URLS        trade=http://10.0.0.5:8080,http://10.0.0.6:8080;finance=http://10.0.0.7:8080
 *   FICUS_INTERNAL_SECRET     shared with every service process (≥ 32 characters)
 *   FICUS_REMOTE_TIMEOUT_MS   how long one attempt at a service may take (default 10000)
 *   FICUS_REMOTE_HEALTH_MS    how often each instance's /readyz is asked (default 1000)
 */
export interface RemoteServicesConfig {
  /** Service name → base URLs of its instances, in the order given. */
  instances: ReadonlyMap<string, readonly string[]>;
  secret: string;
  timeoutMs: number;
  healthIntervalMs: number;
}

const SERVICE_NAME = /^[a-z][a-z0-9_]*$/;

/** The remote services, or undefined when FICUS_SERVICE_URLS is unset (embedded mode). */
export function loadRemoteServicesConfig(env: NodeJS.ProcessEnv = process.env): RemoteServicesConfig | undefined {
  const text = env.FICUS_SERVICE_URLS?.trim();
  if (!text) return undefined;
  const instances = new Map<string, string[]>();
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!SERVICE_NAME.test(name)) throw new ConfigError('FICUS_SERVICE_URLS', `${JSON.stringify(part)} is not <service>=<url>[,<url>…]`);
    if (instances.has(name)) throw new ConfigError('FICUS_SERVICE_URLS', `service ${name} is listed twice`);
    const urls = part.slice(eq + 1).split(',').map((u) => u.trim()).filter(Boolean);
    if (!urls.length) throw new ConfigError('FICUS_SERVICE_URLS', `service ${name} has no URL`);
    instances.set(name, urls.map((url) => baseUrl(name, url)));
  }
  const secret = env.FICUS_INTERNAL_SECRET ?? '';
  if (secret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new ConfigError('FICUS_INTERNAL_SECRET', `FICUS_SERVICE_URLS needs a secret shared with the service processes, at least ${MIN_INTERNAL_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
  }
  return { instances, secret, timeoutMs: wholeNumber(env, 'FICUS_REMOTE_TIMEOUT_MS', 10_000), healthIntervalMs: wholeNumber(env, 'FICUS_REMOTE_HEALTH_MS', 1000) };
}

function baseUrl(service: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('FICUS_SERVICE_URLS', `${JSON.stringify(text)} (service ${service}) is not a URL`);
  }
  if (url.protocol !== 'http:') throw new ConfigError('FICUS_SERVICE_URLS', `${text} (service ${service}): only http:// is supported (put TLS in the network, e.g. a service mesh)`);
  if (url.pathname !== '/' || url.search || url.hash || url.username) throw new ConfigError('FICUS_SERVICE_URLS', `${text} (service ${service}) must be scheme, host and port only`);
  return url.origin;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new ConfigError(name, `${JSON.stringify(raw)} is not a positive whole number of milliseconds`);
  return Number(raw);
}
