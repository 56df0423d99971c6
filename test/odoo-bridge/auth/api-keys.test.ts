import { describe, expect, it } from 'vitest';
import {
  API_KEY_HASH_ROUNDS,
  apiKeyIndex,
  generateApiKey,
  verifyApiKeyHash,
} from '../../../odoo-bridge/auth/api-keys.ts';
import { parsePbkdf2Sha512 } from '../../../odoo-bridge/auth/passlib-pbkdf2.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

describe('Odoo API keys', () => {
  it('verifies the legacy keys against their stored hashes, and their index is the first 8 characters', async () => {
    for (const row of legacy.apiKeys) {
      expect(row.key).toBeTruthy();
      expect(apiKeyIndex(row.key!)).toBe(row.index);
      expect(parsePbkdf2Sha512(row.hash)?.rounds).toBe(API_KEY_HASH_ROUNDS);
      expect(await verifyApiKeyHash(row.key!, row.hash)).toBe(true);
    }
  });

  it("refuses another user's key, a truncated key and a one-character change", async () => {
    const [adminKey, memberKey] = legacy.apiKeys;
    expect(await verifyApiKeyHash(adminKey!.key!, memberKey!.hash)).toBe(false);
    expect(await verifyApiKeyHash(memberKey!.key!.slice(0, 39), memberKey!.hash)).toBe(false);
    expect(await verifyApiKeyHash(`${memberKey!.key!.slice(0, 39)}1`, memberKey!.hash)).toBe(false);
  });

  it('generates keys the way res.users.apikeys._generate does', async () => {
    const generated = await generateApiKey();
    expect(generated.key).toMatch(/^[0-9a-f]{40}$/);
    expect(generated.index).toBe(generated.key.slice(0, 8));
    expect(generated.hash.startsWith('$pbkdf2-sha512$6000$')).toBe(true);
    expect(await verifyApiKeyHash(generated.key, generated.hash)).toBe(true);
  });
});
