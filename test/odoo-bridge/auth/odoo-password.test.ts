import { describe, expect, it } from 'vitest';
import { hashOdooPassword, needsRehash, verifyOdooPassword } from '../../../odoo-bridge/auth/odoo-password.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

const admin = legacy.users.find((u) => u.login === 'admin')!;

describe("Odoo's password crypt context", () => {
  it('accepts the stored pbkdf2 hash and refuses other passwords', async () => {
    expect(await verifyOdooPassword('admin', admin.passwordHash)).toBe(true);
    expect(await verifyOdooPassword('wrong', admin.passwordHash)).toBe(false);
  });

  it('refuses an empty password before looking at the stored value', async () => {
    expect(await verifyOdooPassword('', admin.passwordHash)).toBe(false);
    expect(await verifyOdooPassword('', '')).toBe(false);
    expect(await verifyOdooPassword('', null)).toBe(false);
  });

  it('never matches a NULL or empty stored password', async () => {
    expect(await verifyOdooPassword('anything', null)).toBe(false);
    expect(await verifyOdooPassword('anything', '')).toBe(false);
  });

  it("compares legacy clear-text values like passlib's plaintext scheme", async () => {
    expect(await verifyOdooPassword('s3cret', 's3cret')).toBe(true);
    expect(await verifyOdooPassword('s3cret', 'S3cret')).toBe(false);
    expect(await verifyOdooPassword('s3cre', 's3cret')).toBe(false);
    // An MCF value of another scheme is also "plaintext" to Odoo's context: equality only.
    expect(await verifyOdooPassword('x', '$2b$12$abcdefghijklmnopqrstuu')).toBe(false);
  });

  it('never falls back to equality for a malformed pbkdf2 value', async () => {
    expect(await verifyOdooPassword('$pbkdf2-sha512$broken', '$pbkdf2-sha512$broken')).toBe(false);
  });

  it('hashes with at least 600,000 rounds, and says which stored values Odoo would rehash', async () => {
    const hash = await hashOdooPassword('new password', 1000);
    expect(hash.startsWith('$pbkdf2-sha512$600000$')).toBe(true);
    expect(await verifyOdooPassword('new password', hash)).toBe(true);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash(admin.passwordHash)).toBe(false);
    expect(needsRehash('clear text')).toBe(true);
    expect(needsRehash('$pbkdf2-sha512$25000$AAECAwQFBgcICQoLDA0ODw$wo5nr68L9hr/tAa6cCxILDTkJnebiD5OLdaEMIMoJV3g0cb6aLXhfhEbJ2apsxUuzgBmaR.PNHIlwsYDONlQtw')).toBe(true);
    expect(needsRehash(null)).toBe(false);
  });
});
