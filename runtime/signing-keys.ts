import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningKey, type SigningKey, type SigningKeySet } from '../services/kit/auth/keys.ts';

interface StoredKey {
  kid: string;
  privateKeyPem: string;
}

/**
 * The token signing keys of an embedded Ficus, kept in the data folder (readable by its owner
 * only) so that tokens stay valid across restarts. Until the auth service owns them, the
 * embedded runner signs and every service verifies locally against this set.
 */
export async function loadOrCreateSigningKeys(dataDir: string): Promise<SigningKeySet> {
  const file = path.join(dataDir, 'signing-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { current: StoredKey; previous: StoredKey[] };
    return { current: fromStored(stored.current), previous: stored.previous.map(fromStored) };
  }
  const current = generateSigningKey();
  await writeFile(file, JSON.stringify({ current: toStored(current), previous: [] }), { mode: 0o600 });
  return { current, previous: [] };
}

function toStored(key: SigningKey): StoredKey {
  return { kid: key.kid, privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function fromStored(stored: StoredKey): SigningKey {
  const privateKey = createPrivateKey(stored.privateKeyPem);
  return { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
}
