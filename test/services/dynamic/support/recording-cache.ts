import { BaseCache, type Cache } from '../../../../services/kit/cache/cache.ts';

/**
 * A cache that keeps, beside the one it wraps, the last value set under each key, so a test can
 * look at everything the service has cached (as JSON, what a Redis would hold).
 */
export class RecordingCache extends BaseCache {
  readonly stored = new Map<string, unknown>();

  constructor(private readonly inner: Cache) {
    super();
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    await this.inner.set(key, value, ttlMs);
    this.stored.set(key, JSON.parse(JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    this.stored.delete(key);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
