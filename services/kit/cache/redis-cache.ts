import { Redis } from 'ioredis';
import { BaseCache } from './cache.ts';

/** Distributed cache: JSON strings in Redis with a millisecond TTL, keys prefixed per service. */
export class RedisCache extends BaseCache {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix: string) {
    super();
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false, enableAutoPipelining: true });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) throw new Error('cache ttlMs must be positive');
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
