import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashPbkdf2Sha512,
  MAX_SECRET_BYTES,
  parsePbkdf2Sha512,
  verifyPbkdf2Sha512,
} from '../../../odoo-bridge/auth/passlib-pbkdf2.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

const bytesFrom = (start: number) => Buffer.from(Array.from({ length: 16 }, (_, i) => start + i));

// Generated with python3-passlib 1.7.4 and fixed salts (external API notes §7.2).
const PASSLIB_ADMIN =
  '$pbkdf2-sha512$600000$AAECAwQFBgcICQoLDA0ODw$wo5nr68L9hr/tAa6cCxILDTkJnebiD5OLdaEMIMoJV3g0cb6aLXhfhEbJ2apsxUuzgBmaR.PNHIlwsYDONlQtw';
const PASSLIB_KEY =
  '$pbkdf2-sha512$6000$EBESExQVFhcYGRobHB0eHw$N9CXE4zbDcWVhAV1CZab.lTej6UiJle6Tnvco0hlV6eR/iMXkC9jdmY6jtMaWZQanyqtNWhAjWNNtVMaoXOF0A';

describe('passlib pbkdf2_sha512', () => {
  it('reproduces passlib output byte for byte given the same salt', async () => {
    expect(await hashPbkdf2Sha512('admin', { rounds: 600_000, salt: bytesFrom(0) })).toBe(PASSLIB_ADMIN);
    expect(await hashPbkdf2Sha512('0123456789abcdef0123456789abcdef01234567', { rounds: 6000, salt: bytesFrom(16) })).toBe(
      PASSLIB_KEY,
    );
  });

  it('verifies the passwords Odoo 18 stored in the legacy database (password = login)', async () => {
    const results = await Promise.all(legacy.users.map((u) => verifyPbkdf2Sha512(u.login, u.passwordHash)));
    expect(results).toEqual(legacy.users.map(() => true));
  });

  it('refuses wrong passwords, including near misses', async () => {
    const admin = legacy.users.find((u) => u.login === 'admin')!;
    const member = legacy.users.find((u) => u.login === 'member001@hp.example')!;
    const results = await Promise.all([
      verifyPbkdf2Sha512('Admin', admin.passwordHash),
      verifyPbkdf2Sha512('admin ', admin.passwordHash),
      verifyPbkdf2Sha512('admin', member.passwordHash),
      verifyPbkdf2Sha512('member001', member.passwordHash),
    ]);
    expect(results).toEqual([false, false, false, false]);
  });

  it('round-trips freshly created hashes with random salts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), fc.string({ minLength: 1 }), async (secret, other) => {
        const hash = await hashPbkdf2Sha512(secret, { rounds: 1000 });
        expect(parsePbkdf2Sha512(hash)).toMatchObject({ rounds: 1000 });
        expect(await verifyPbkdf2Sha512(secret, hash)).toBe(true);
        if (other !== secret) expect(await verifyPbkdf2Sha512(other, hash)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('uses a new 16-byte salt for every hash', async () => {
    const [a, b] = await Promise.all([hashPbkdf2Sha512('same', { rounds: 1000 }), hashPbkdf2Sha512('same', { rounds: 1000 })]);
    expect(a).not.toBe(b);
    expect(parsePbkdf2Sha512(a)!.salt).toHaveLength(16);
  });

  it('treats malformed hashes as non-matching, like passlib refuses to parse them', async () => {
    const [, , rounds, salt, checksum] = PASSLIB_KEY.split('$');
    const malformed = [
      `$pbkdf2-sha512$0${rounds}$${salt}$${checksum}`, // zero-padded rounds
      `$pbkdf2-sha512$${rounds}$${salt}$${checksum!.slice(0, -2)}`, // short checksum
      `$pbkdf2-sha512$${rounds}$${salt}$${checksum!.replaceAll('.', '+')}`, // standard base64
      `$pbkdf2-sha512$${rounds}$${salt}`,
      `$pbkdf2-sha512$${rounds}$${salt}$${checksum}$`,
      `$pbkdf2-sha256$${rounds}$${salt}$${checksum}`,
      '$pbkdf2-sha512$',
    ];
    for (const stored of malformed) {
      expect(parsePbkdf2Sha512(stored), stored).toBeNull();
      expect(await verifyPbkdf2Sha512('0123456789abcdef0123456789abcdef01234567', stored), stored).toBe(false);
    }
  });

  it('refuses secrets passlib would refuse (over 4096 bytes)', async () => {
    const long = 'x'.repeat(MAX_SECRET_BYTES + 1);
    await expect(hashPbkdf2Sha512(long, { rounds: 1000 })).rejects.toThrow(RangeError);
    const hash = await hashPbkdf2Sha512('x'.repeat(MAX_SECRET_BYTES), { rounds: 1000 });
    expect(await verifyPbkdf2Sha512('x'.repeat(MAX_SECRET_BYTES), hash)).toBe(true);
    expect(await verifyPbkdf2Sha512(long, hash)).toBe(false);
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await hashPbkdf2Sha512('admin', { rounds: 600_000 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});
