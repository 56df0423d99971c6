/**
 * The one cache API services see (DESIGN §4): in memory when embedded, Redis when distributed.
 * Values are JSON: what comes out is what a JSON round trip of what went in gives, in both modes.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** The cached value, or `load()`'s, stored for `ttlMs`. Concurrent misses in this process load once. */
  getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Shared miss handling: one load per key at a time in this process. */
export abstract class BaseCache implements Cache {
  private readonly loading = new Map<string, Promise<unknown>>();

  abstract get<T>(key: string): Promise<T | undefined>;
  abstract set(key: string, value: unknown, ttlMs: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
  abstract close(): Promise<void>;

  async getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight as Promise<T>;
    const promise = (async () => {
      try {
        const value = await load();
        // JSON has no undefined: such a value is returned but not cached.
        if (value !== undefined) await this.set(key, value, ttlMs);
        return JSON.parse(JSON.stringify(value ?? null)) as T;
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, promise);
    return promise;
  }
}
