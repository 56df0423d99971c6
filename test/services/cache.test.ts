import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../../services/kit/cache/cache.ts';
import { MemoryCache } from '../../services/kit/cache/memory-cache.ts';
import { RedisCache } from '../../services/kit/cache/redis-cache.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
const caches: Record<string, Cache> = {};
beforeAll(async () => {
  redis = await startRedis();
  caches.memory = new MemoryCache('ficus:test:');
  caches.redis = new RedisCache(redis.url, 'ficus:test:');
});
afterAll(async () => {
  for (const cache of Object.values(caches)) await cache.close();
  await redis?.stop();
});

describe.each(['memory', 'redis'])('cache: %s (one API, same behaviour)', (kind) => {
  const cache = () => caches[kind]!;

  it('stores JSON values and returns copies', async () => {
    const value = { id: 7, tags: ['a'], price: '12.50', nested: { ok: true } };
    await cache().set('k1', value, 10_000);
    const got = await cache().get<typeof value>('k1');
    expect(got).toEqual(value);
    got!.tags.push('mutated');
    expect(await cache().get('k1')).toEqual(value);
    expect(await cache().get('missing')).toBeUndefined();
  });

  it('expires entries after their TTL and deletes on request', async () => {
    await cache().set('short', 1, 80);
    expect(await cache().get('short')).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(await cache().get('short')).toBeUndefined();
    await cache().set('gone', 'x', 10_000);
    await cache().delete('gone');
    expect(await cache().get('gone')).toBeUndefined();
  });

  it('getOrLoad loads once for concurrent misses, then serves the cached value', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 30));
      return { n: 42 };
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => cache().getOrLoad('loaded', 10_000, load)));
    expect(results.every((r) => r.n === 42)).toBe(true);
    expect(await cache().getOrLoad('loaded', 10_000, load)).toEqual({ n: 42 });
    expect(loads).toBe(1);
  });
});

it('the redis cache really lives in redis, under the service prefix', async () => {
  await caches.redis!.set('visible', { a: 1 }, 10_000);
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  expect(await client.get('ficus:test:visible')).toBe('{"a":1}');
  const ttl = await client.pttl('ficus:test:visible');
  expect(ttl).toBeGreaterThan(9_000);
  await client.quit();
});

it('the memory cache keeps at most maxEntries, dropping the least recently used', async () => {
  const small = new MemoryCache('p:', 2);
  await small.set('a', 1, 10_000);
  await small.set('b', 2, 10_000);
  await small.get('a');
  await small.set('c', 3, 10_000);
  expect(await small.get('b')).toBeUndefined();
  expect(await small.get('a')).toBe(1);
  expect(await small.get('c')).toBe(3);
});
