import type { Cache } from './cache.ts';
import { MemoryCache } from './memory-cache.ts';
import { RedisCache } from './redis-cache.ts';

/** Redis when a URL is configured, memory otherwise; keys are `ficus:<service>:<key>` either way. */
export function createCache(service: string, redisUrl: string | undefined): Cache {
  const prefix = `ficus:${service}:`;
  return redisUrl ? new RedisCache(redisUrl, prefix) : new MemoryCache(prefix);
}
