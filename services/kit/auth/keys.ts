import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** An Ed25519 key the auth service signs tokens with; `kid` names it in every token header. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The auth service's keys: tokens are signed with `current`; `previous` keys still verify tokens
 * issued before the last rotation until those expire, so a rotation logs nobody out.
 */
export interface SigningKeySet {
  current: SigningKey;
  previous: SigningKey[];
}

/** A public key as published at the JWKS endpoint (RFC 8037 OKP key). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export function generateSigningKey(kid: string = `k-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid, privateKey, publicKey };
}

export function newSigningKeySet(): SigningKeySet {
  return { current: generateSigningKey(), previous: [] };
}

/** A new current key; the old one verifies for as long as `keepPrevious` rotations. */
export function rotate(keys: SigningKeySet, keepPrevious = 1, next: SigningKey = generateSigningKey()): SigningKeySet {
  return { current: next, previous: [keys.current, ...keys.previous].slice(0, keepPrevious) };
}

export function publicJwks(keys: SigningKeySet): { keys: PublicJwk[] } {
  return { keys: [keys.current, ...keys.previous].map(toPublicJwk) };
}

export function toPublicJwk(key: SigningKey): PublicJwk {
  const jwk = key.publicKey.export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: key.kid, alg: 'EdDSA', use: 'sig' };
}

export function publicKeyFromJwk(jwk: PublicJwk): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new Error(`key ${jwk.kid}: only Ed25519 keys are accepted`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

/** For storing the key set (auth service database, or a secret file): PKCS#8 PEM per key. */
export function exportSigningKey(key: SigningKey): { kid: string; pem: string } {
  return { kid: key.kid, pem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

export function importSigningKey({ kid, pem }: { kid: string; pem: string }): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`key ${kid} is not an Ed25519 key`);
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}
