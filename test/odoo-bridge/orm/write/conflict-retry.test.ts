import { describe, expect, it } from 'vitest';
import { CONFLICT_RETRY, conflictRetryDelayMs, conflictRetryPatienceMs } from '../../../../odoo-bridge/orm/write/conflict-retry.ts';

/** Odoo's `retrying` (odoo/service/model.py): four waits of up to 2, 4, 8, 16 s. */
const ODOO_PATIENCE_MS = 2_000 + 4_000 + 8_000 + 16_000;

describe('the wait before a conflicting call is tried again', () => {
  it('starts short: the lone loser of a two-party race is back within a tenth of a second', () => {
    expect(conflictRetryDelayMs(0, () => 1)).toBeLessThanOrEqual(100);
    expect(conflictRetryDelayMs(0, () => 0)).toBe(0);
  });

  it('doubles its ceiling up to the cap, each wait anywhere from 0 to the ceiling (full jitter)', () => {
    const ceilings = Array.from({ length: CONFLICT_RETRY.maxTries - 1 }, (_, retry) => conflictRetryDelayMs(retry, () => 1));
    for (let i = 1; i < ceilings.length; i += 1) {
      expect(ceilings[i]).toBe(Math.min(CONFLICT_RETRY.capMs, ceilings[i - 1]! * 2));
    }
    expect(Math.max(...ceilings)).toBe(CONFLICT_RETRY.capMs);
    expect(conflictRetryDelayMs(5, () => 0.5)).toBe(ceilings[5]! / 2);
  });

  it("keeps Odoo's patience in all: a crowd clashing on one row still has about 30 s to pass", () => {
    expect(conflictRetryPatienceMs()).toBeGreaterThanOrEqual(ODOO_PATIENCE_MS * 0.9);
    expect(conflictRetryPatienceMs()).toBeLessThanOrEqual(ODOO_PATIENCE_MS * 1.2);
  });
});
