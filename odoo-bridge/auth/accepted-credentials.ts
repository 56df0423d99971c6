/**
 * Credentials accepted recently, so that the next RPC call carrying the same (uid, secret) is
 * let in without reading res_users at all. Every XML-RPC/JSON-RPC `execute_kw` carries the
 * secret again, and that read was the one query of a call that the call's own work does not
 * need (verification-cache.ts already spares the hashing, not the read).
 *
 * Why skipping the read is safe: an acceptance is used only while the legacy database's
 * credential-change feed (credential-changes.ts) says nothing about that user has changed since
 * the read it was based on began, and the feed was listening without a gap all along. A
 * password change, an archive, a deleted user, a revoked or edited API key and 2FA being turned
 * on all UPDATE or DELETE a row the triggers watch, so the user's acceptances are void from the
 * moment the notification arrives, which PostgreSQL sends at commit. Time-bound facts are kept
 * with the acceptance: one by an API key ends at the key's expiration_date. A lost listening
 * connection voids everything. Only acceptances are remembered: a refused secret is checked
 * against the database every time (and counted by the login cooldown).
 *
 * Odoo does the same in each worker (`res.users.check` is `@ormcache('uid', 'passwd')`, cleared
 * when password or active change through the ORM); Ficus's triggers also see changes made
 * around the ORM (psql, another process).
 *
 * Secrets are not kept: entries are keyed by SHA-256 of the secret behind a per-instance random
 * 32-byte prefix, unpredictable outside the process as verification-cache.ts's HMAC key is (the
 * digest is only ever a map key, so HMAC's guard against length extension buys nothing here,
 * and node's one-shot hash costs a fraction of an Hmac object on every call). Memory is bounded
 * (oldest first) and entries expire after `ttlMs` regardless.
 */
import { hash, randomBytes } from 'node:crypto';
import type { ChangeStamp, CredentialChanges } from './credential-changes.ts';

export interface AcceptedCredentialsOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

interface Acceptance {
  uid: number;
  stamp: ChangeStamp;
  expiresAt: number;
}

export class AcceptedCredentials {
  readonly #prefix = randomBytes(32).toString('base64');
  readonly #entries = new Map<string, Acceptance>();
  readonly #changes: CredentialChanges;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(changes: CredentialChanges, options: AcceptedCredentialsOptions = {}) {
    this.#changes = changes;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** To take before reading the credentials a later `remember` is based on. */
  stamp(): ChangeStamp | undefined {
    return this.#changes.stamp();
  }

  /** The user `secret` was accepted for under `scope` (an RPC uid check, a bearer key), if that still holds. */
  acceptedUid(scope: string, secret: string): number | undefined {
    if (!this.#changes.live) return undefined;
    const id = this.#id(scope, secret);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now() || !this.#changes.isCurrent(entry.uid, entry.stamp)) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.uid;
  }

  /**
   * Remembers that `secret` let `uid` in, from credentials read after `stamp` was taken; ignored
   * when something about `uid` was announced meanwhile (the read may predate it). `notAfter`
   * (ms since the epoch) bounds an acceptance that stops holding by itself (an expiring key).
   */
  remember(scope: string, secret: string, uid: number, stamp: ChangeStamp | undefined, notAfter?: number): void {
    if (!stamp || !this.#changes.isCurrent(uid, stamp)) return;
    const expiresAt = Math.min(this.#now() + this.#ttlMs, notAfter ?? Infinity);
    if (expiresAt <= this.#now()) return;
    const id = this.#id(scope, secret);
    this.#entries.delete(id);
    this.#entries.set(id, { uid, stamp, expiresAt });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  #id(scope: string, secret: string): string {
    return hash('sha256', `${this.#prefix}\0${scope}\0${secret}`, 'base64');
  }
}
