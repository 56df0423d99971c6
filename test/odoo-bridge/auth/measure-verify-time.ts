/**
 * Prints the cost of one password verification with and without the verification cache,
 * on the real legacy hashes (600,000 rounds) and API key hashes (6,000 rounds).
 *
 *   npx tsx test/odoo-bridge/auth/measure-verify-time.ts
 */
import { verifyApiKeyHash } from '../../../odoo-bridge/auth/api-keys.ts';
import { verifyOdooPassword } from '../../../odoo-bridge/auth/odoo-password.ts';
import { VerificationCache } from '../../../odoo-bridge/auth/verification-cache.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

async function msPerCall(runs: number, call: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < runs; i++) if (!(await call())) throw new Error('verification failed');
  return (performance.now() - started) / runs;
}

const admin = legacy.users.find((u) => u.login === 'admin')!;
const key = legacy.apiKeys[0]!;
const cache = new VerificationCache();
const cachedPassword = () =>
  cache.verify(admin.id, admin.login, { kind: 'password', storedHash: admin.passwordHash }, () =>
    verifyOdooPassword(admin.login, admin.passwordHash),
  );
const cachedKey = () =>
  cache.verify(key.userId, key.key!, { kind: 'apikey', storedHash: key.hash }, () => verifyApiKeyHash(key.key!, key.hash));

await cachedPassword(); // fill
await cachedKey();
const rows = [
  ['password, 600k rounds, uncached', await msPerCall(5, () => verifyOdooPassword(admin.login, admin.passwordHash))],
  ['password, cached', await msPerCall(10_000, cachedPassword)],
  ['API key, 6k rounds, uncached', await msPerCall(50, () => verifyApiKeyHash(key.key!, key.hash))],
  ['API key, cached', await msPerCall(10_000, cachedKey)],
] as const;
for (const [what, ms] of rows) console.log(`${what.padEnd(34)} ${ms.toFixed(4)} ms`);
