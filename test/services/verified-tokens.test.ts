import { describe, expect, it } from 'vitest';
import { localKeyLookup } from '../../services/kit/auth/key-sources.ts';
import { newSigningKeySet, rotate } from '../../services/kit/auth/keys.ts';
import { issueToken, TOKEN_LEEWAY_SECONDS, TokenError, type KeyLookup } from '../../services/kit/auth/tokens.ts';
import { verifiedTokens } from '../../services/kit/auth/verified-tokens.ts';

/** A key lookup that counts how often it is asked (the memo asks once per hit, to see the key is still there). */
function countingLookup(lookup: KeyLookup): { calls: number; lookup: KeyLookup } {
  const counted: { calls: number; lookup: KeyLookup } = { calls: 0, lookup: async (kid) => (counted.calls++, lookup(kid)) };
  return counted;
}

describe('verified-token memo (kit/auth/verified-tokens.ts)', () => {
  it('answers a token it verified with the same principal, frozen, without verifying again', async () => {
    const keys = newSigningKeySet();
    const tokens = verifiedTokens(localKeyLookup(() => keys));
    const token = issueToken(keys, { userId: 7, scopes: ['service'] }, 600);
    const first = await tokens.verify(token);
    const again = await tokens.verify(token);
    expect(again).toBe(first);
    expect(first).toMatchObject({ userId: 7, scopes: ['service'] });
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true);
  });

  it('refuses a remembered token once it expired (exp plus the leeway), as verifyToken does', async () => {
    const keys = newSigningKeySet();
    const tokens = verifiedTokens(localKeyLookup(() => keys));
    const issuedAt = Date.now();
    const token = issueToken(keys, { userId: 7 }, 60, issuedAt);
    await tokens.verify(token, issuedAt);
    await expect(tokens.verify(token, issuedAt + (60 + TOKEN_LEEWAY_SECONDS - 1) * 1000)).resolves.toMatchObject({ userId: 7 });
    await expect(tokens.verify(token, issuedAt + (60 + TOKEN_LEEWAY_SECONDS + 1) * 1000)).rejects.toThrow(TokenError);
  });

  it('sends a remembered token through the full check again once its key is rotated out', async () => {
    let keys = newSigningKeySet();
    const counted = countingLookup(localKeyLookup(() => keys));
    const tokens = verifiedTokens(counted.lookup);
    const token = issueToken(keys, { userId: 7 }, 600);
    await tokens.verify(token);
    keys = rotate(keys, 1); // the old key still verifies
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 7 });
    keys = rotate(keys, 0); // gone
    await expect(tokens.verify(token)).rejects.toThrow('unknown key');
  });

  it('remembers by the exact text: a token with another signature is checked, and refused', async () => {
    const keys = newSigningKeySet();
    const tokens = verifiedTokens(localKeyLookup(() => keys));
    const token = issueToken(keys, { userId: 7 }, 600);
    await tokens.verify(token);
    const [header, claims] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), sub: '2' })).toString('base64url')}.${token.split('.')[2]}`;
    await expect(tokens.verify(forged)).rejects.toThrow('bad token signature');
    const other = issueToken(newSigningKeySet(), { userId: 7 }, 600);
    await expect(tokens.verify(other)).rejects.toThrow(TokenError);
  });

  it('stays within its bound: the oldest tokens are forgotten (and verified again when they come back)', async () => {
    const keys = newSigningKeySet();
    const tokens = verifiedTokens(localKeyLookup(() => keys), { maxEntries: 2 });
    const [a, b, c] = [1, 2, 3].map((userId) => issueToken(keys, { userId }, 600));
    const first = await tokens.verify(a!);
    await tokens.verify(b!);
    await tokens.verify(c!);
    const again = await tokens.verify(a!);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
