import { describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { LOGIN_COOLDOWN_MESSAGE, LoginThrottle } from '../../../odoo-bridge/auth/login-throttle.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const fromAddress = { clientAddress: '203.0.113.7' };

describe('LoginThrottle (Odoo login cooldown)', () => {
  it('puts an address on cooldown after 5 failures for 60 s, with Odoo\'s message', () => {
    const time = clock();
    const throttle = new LoginThrottle({ now: time.now });
    for (let i = 0; i < 4; i++) throttle.recordFailure(fromAddress);
    expect(throttle.isOnCooldown(fromAddress)).toBe(false);
    throttle.recordFailure(fromAddress);
    expect(throttle.isOnCooldown(fromAddress)).toBe(true);

    let error: unknown;
    try {
      throttle.assertCanAttempt(fromAddress);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OdooError);
    expect(error).toMatchObject({ exceptionName: 'odoo.exceptions.AccessDenied', message: LOGIN_COOLDOWN_MESSAGE });
    expect(LOGIN_COOLDOWN_MESSAGE).toBe('Too many login failures, please wait a bit before trying again.');

    time.advance(59_999);
    expect(throttle.isOnCooldown(fromAddress)).toBe(true);
    time.advance(1);
    expect(throttle.isOnCooldown(fromAddress)).toBe(false);
  });

  it('lets one attempt through after the cooldown; failing it starts a new cooldown at once', () => {
    const time = clock();
    const throttle = new LoginThrottle({ now: time.now });
    for (let i = 0; i < 5; i++) throttle.recordFailure(fromAddress);
    time.advance(60_000);
    throttle.recordFailure(fromAddress);
    expect(throttle.isOnCooldown(fromAddress)).toBe(true);
  });

  it('resets on success', () => {
    const throttle = new LoginThrottle({ now: clock().now });
    for (let i = 0; i < 5; i++) throttle.recordFailure(fromAddress);
    throttle.recordSuccess(fromAddress);
    expect(throttle.isOnCooldown(fromAddress)).toBe(false);
    expect(throttle.trackedKeys).toBe(0);
  });

  it('counts per login as well as per address, and keeps addresses apart', () => {
    const throttle = new LoginThrottle({ now: clock().now });
    for (let i = 0; i < 5; i++) throttle.recordFailure({ clientAddress: `198.51.100.${i}`, login: 'admin' });
    expect(throttle.isOnCooldown({ clientAddress: '192.0.2.1', login: 'admin' })).toBe(true);
    expect(throttle.isOnCooldown({ clientAddress: '198.51.100.1', login: 'member001@hp.example' })).toBe(false);
    // A uid (execute_kw) and a login that looks like it are different keys.
    for (let i = 0; i < 5; i++) throttle.recordFailure({ login: 6 });
    expect(throttle.isOnCooldown({ login: 6 })).toBe(true);
    expect(throttle.isOnCooldown({ login: '6' })).toBe(false);
  });

  it('follows the configured settings; 0 failures disables it like base.login_cooldown_after = 0', () => {
    const time = clock();
    const strict = new LoginThrottle({ failuresBeforeCooldown: 2, cooldownMs: 1000, now: time.now });
    strict.recordFailure(fromAddress);
    strict.recordFailure(fromAddress);
    expect(strict.isOnCooldown(fromAddress)).toBe(true);
    time.advance(1000);
    expect(strict.isOnCooldown(fromAddress)).toBe(false);

    const off = new LoginThrottle({ failuresBeforeCooldown: 0, now: time.now });
    for (let i = 0; i < 50; i++) off.recordFailure(fromAddress);
    expect(off.isOnCooldown(fromAddress)).toBe(false);
  });

  it('attempt() refuses during cooldown without running the check, and counts results', async () => {
    const throttle = new LoginThrottle({ failuresBeforeCooldown: 2, now: clock().now });
    let runs = 0;
    const wrong = async () => (runs++, null);
    expect(await throttle.attempt(fromAddress, wrong)).toBeNull();
    expect(await throttle.attempt(fromAddress, wrong)).toBeNull();
    await expect(throttle.attempt(fromAddress, wrong)).rejects.toMatchObject({ message: LOGIN_COOLDOWN_MESSAGE });
    expect(runs).toBe(2);

    const other = { clientAddress: '192.0.2.9' };
    expect(await throttle.attempt(other, async () => 2)).toBe(2);
    expect(throttle.isOnCooldown(other)).toBe(false);
  });

  it('keeps memory bounded: old entries are forgotten, and the oldest go first past maxEntries', () => {
    const time = clock();
    const throttle = new LoginThrottle({ maxEntries: 100, forgetAfterMs: 3600_000, now: time.now });
    for (let i = 0; i < 1000; i++) throttle.recordFailure({ clientAddress: `10.0.${i >> 8}.${i & 255}` });
    expect(throttle.trackedKeys).toBe(100);

    for (let i = 0; i < 5; i++) throttle.recordFailure(fromAddress);
    time.advance(3600_000);
    throttle.recordFailure({ clientAddress: '192.0.2.200' });
    expect(throttle.trackedKeys).toBe(1);
  });
});
