import { createHash } from 'node:crypto';

/**
 * Sticky canary membership: a user is in the canary of a module when the hash of (module, uid)
 * falls below the percentage, so the same users stay in as the percentage grows (10 % ⊂ 25 %),
 * and different modules pick different users.
 */
export function inCanary(module: string, uid: number, percent: number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const digest = createHash('sha1').update(`${module}:${uid}`).digest();
  return digest.readUInt32BE(0) % 100 < percent;
}
