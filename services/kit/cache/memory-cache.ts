import { BaseCache } from './cache.ts';

/**
 * Embedded cache: a Map in least-recently-used order with a size bound. Values are stored as
 * JSON text so callers cannot mutate a cached object, and so behaviour matches Redis.
 */
export class MemoryCache extends BaseCache {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();

  constructor(private readonly prefix: string, private readonly maxEntries = 10_000) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const full = this.prefix + key;
    const entry = this.entries.get(full);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(full);
      return undefined;
    }
    this.entries.delete(full);
    this.entries.set(full, entry); // most recently used goes last
    return JSON.parse(entry.json) as T;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) throw new Error('cache ttlMs must be positive');
    const full = this.prefix + key;
    this.entries.delete(full);
    this.entries.set(full, { json: JSON.stringify(value), expiresAt: Date.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(this.prefix + key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
