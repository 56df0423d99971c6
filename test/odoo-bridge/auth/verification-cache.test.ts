import { describe, expect, it, vi } from 'vitest';
import { VerificationCache } from '../../../odoo-bridge/auth/verification-cache.ts';

const password = (storedHash: string) => ({ kind: 'password' as const, storedHash });

describe('VerificationCache', () => {
  it('answers from memory once a (uid, secret, stored hash) verified', async () => {
    const cache = new VerificationCache();
    const verify = vi.fn(async () => true);
    expect(await cache.verify(6, 'pw', password('H1'), verify)).toBe(true);
    expect(await cache.verify(6, 'pw', password('H1'), verify)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(cache.peek(6, 'pw')).toEqual(password('H1'));
  });

  it('verifies again when the stored hash changed (password changed or rehashed)', async () => {
    const cache = new VerificationCache();
    await cache.verify(6, 'pw', password('H1'), async () => true);
    const verify = vi.fn(async () => false);
    expect(await cache.verify(6, 'pw', password('H2'), verify)).toBe(false);
    expect(verify).toHaveBeenCalledOnce();
  });

  it('does not mix kinds, users or secrets', async () => {
    const cache = new VerificationCache();
    await cache.verify(6, 'pw', password('H1'), async () => true);
    const verify = vi.fn(async () => false);
    await cache.verify(6, 'pw', { kind: 'apikey', storedHash: 'H1' }, verify);
    await cache.verify(7, 'pw', password('H1'), verify);
    await cache.verify(6, 'pw2', password('H1'), verify);
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it('remembers a failure only against the same stored hash, never as a success', async () => {
    const cache = new VerificationCache();
    const verify = vi.fn(async () => false);
    expect(await cache.verify(6, 'guess', password('H1'), verify)).toBe(false);
    expect(await cache.verify(6, 'guess', password('H1'), verify)).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(cache.size).toBe(0);
    // The password changed (to this very guess, say): the new hash is verified afresh.
    const now = vi.fn(async () => true);
    expect(await cache.verify(6, 'guess', password('H2'), now)).toBe(true);
    expect(now).toHaveBeenCalledOnce();
  });

  it('runs concurrent first verifications of the same credential once', async () => {
    const cache = new VerificationCache();
    let release!: (ok: boolean) => void;
    const verify = vi.fn(() => new Promise<boolean>((resolve) => (release = resolve)));
    const calls = [1, 2, 3].map(() => cache.verify(6, 'pw', password('H1'), verify));
    release(true);
    expect(await Promise.all(calls)).toEqual([true, true, true]);
    expect(verify).toHaveBeenCalledOnce();
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new VerificationCache({ maxEntries: 2 });
    await cache.verify(1, 'a', password('H'), async () => true);
    await cache.verify(2, 'b', password('H'), async () => true);
    await cache.verify(1, 'a', password('H'), async () => true); // touch uid 1
    await cache.verify(3, 'c', password('H'), async () => true);
    expect(cache.size).toBe(2);
    expect(cache.peek(1, 'a')).toBeDefined();
    expect(cache.peek(2, 'b')).toBeUndefined();
  });

  it('forgets entries after ttlMs', async () => {
    let now = 0;
    const cache = new VerificationCache({ ttlMs: 1000, now: () => now });
    await cache.verify(6, 'pw', password('H1'), async () => true);
    now = 999;
    expect(cache.peek(6, 'pw')).toBeDefined();
    now = 1000;
    const verify = vi.fn(async () => true);
    await cache.verify(6, 'pw', password('H1'), verify);
    expect(verify).toHaveBeenCalledOnce();
  });

  it('keys entries by a keyed hash, so two caches never share a key', async () => {
    const a = new VerificationCache();
    await a.verify(6, 'pw', password('H1'), async () => true);
    expect(new VerificationCache().peek(6, 'pw')).toBeUndefined();
  });
});
