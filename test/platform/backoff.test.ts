import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../../platform/backoff.ts';

describe('backoffDelay', () => {
  it('waits between half and all of min(max, base·2^attempt)', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, baseMs, maxMs, r) => {
        const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
        const delay = backoffDelay(attempt, { baseMs, maxMs }, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
        expect(delay).toBeLessThanOrEqual(maxMs);
      }),
    );
  });

  it('grows with the attempt until the cap (the same random draw never waits less later)', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, baseMs, maxMs, r) => {
        const policy = { baseMs, maxMs };
        expect(backoffDelay(attempt + 1, policy, () => r)).toBeGreaterThanOrEqual(backoffDelay(attempt, policy, () => r));
      }),
    );
  });
});

describe('sleep', () => {
  it('ends at once when its signal aborts, and at once when already aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await sleeping;
    await sleep(10_000, controller.signal);
    // Well under one 10 s sleep proves both ended early; a loaded machine only delays timers, it never adds seconds.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
