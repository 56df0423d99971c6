import type pg from 'pg';
import { listenResiliently, type ChangeFeedOptions } from '../../platform/listen-subscription.ts';
import { ensureNotifyTriggers } from '../../platform/notify-triggers.ts';
import { CREDENTIAL_TRIGGERS } from './credential-triggers.ts';

/** When a lookup started, in the change feed's terms; see CredentialChanges.isCurrent. */
export interface ChangeStamp {
  readonly epoch: number;
  readonly sequence: number;
}

/**
 * What this process knows about credential changes in one legacy database: which users'
 * credentials changed, in the order their notifications arrived, and whether it is listening
 * at all. A remembered verification is usable only while it is current (see isCurrent); the
 * feed never says "valid", only "nothing that could change it has been announced since".
 */
export class CredentialChanges {
  #live = false;
  /** Bumped whenever notifications may have been missed: everything stamped before is void. */
  #epoch = 0;
  #sequence = 0;
  /** Per user, the sequence number of the latest change announced for them. */
  readonly #lastChange = new Map<number, number>();

  /** Whether announcements arrive now; nothing may be trusted from memory otherwise. */
  get live(): boolean {
    return this.#live;
  }

  /** Taken before reading a user's credentials; undefined while not listening (then nothing is remembered). */
  stamp(): ChangeStamp | undefined {
    return this.#live ? { epoch: this.#epoch, sequence: this.#sequence } : undefined;
  }

  /**
   * True when no change of `uid`'s credentials has been announced since `stamp` was taken and
   * the feed has listened without a gap since then. A change that committed before the stamp was
   * taken is already in what was read after it, so it does not void it.
   */
  isCurrent(uid: number, stamp: ChangeStamp): boolean {
    return this.#live && stamp.epoch === this.#epoch && (this.#lastChange.get(uid) ?? 0) <= stamp.sequence;
  }

  /** A NOTIFY payload: a user id, or `*` for everyone. */
  announce(payload: string): void {
    if (payload === '*') {
      this.#void();
      return;
    }
    const uid = Number(payload);
    if (!Number.isSafeInteger(uid)) {
      this.#void(); // not ours to interpret: assume the worst
      return;
    }
    this.#lastChange.set(uid, ++this.#sequence);
  }

  /** Listening (again): only what is read from now on may be remembered. */
  listening(): void {
    this.#void();
    this.#live = true;
  }

  /** The connection is gone: announcements may be missed until listening() again. */
  deaf(): void {
    this.#live = false;
    this.#void();
  }

  #void(): void {
    this.#epoch++;
    this.#lastChange.clear();
  }
}

export interface CredentialChangeFeed {
  readonly changes: CredentialChanges;
  close(): Promise<void>;
}

/** `verifyEveryMs` (10 s here): how often the triggers are checked to still be there (someone may restore or drop them). */
export type CredentialChangeFeedOptions = ChangeFeedOptions;

/**
 * Listens for credential changes of the database behind `pool` on a connection of its own, and
 * keeps listening (platform/listen-subscription.ts). The feed is live (remembered acceptances
 * usable) only while both hold: the connection LISTENs, and the triggers that announce changes
 * (credential-triggers.ts) are in place, checked on every (re)connection and every
 * `verifyEveryMs`, since the database may have been replaced meanwhile (`ficus db reset` restores
 * a copy without them; they are put back). Otherwise it is deaf: every remembered acceptance is
 * void, and credential checks read the database on every call, as they did before this feed
 * existed. A database where the triggers cannot be installed at all (Ficus is not the tables'
 * owner) leaves the feed deaf for good, with one warning.
 */
export async function startCredentialChangeFeed(pool: pg.Pool, options: CredentialChangeFeedOptions): Promise<CredentialChangeFeed> {
  const changes = new CredentialChanges();
  if (!(await ensureNotifyTriggers(pool, CREDENTIAL_TRIGGERS))) {
    options.logger.warn('cannot install the credential-change triggers on the legacy database (not its owner, or it was busy): credentials are read on every call');
    return { changes, close: async () => undefined };
  }
  const subscription = await listenResiliently({
    ...options,
    pool,
    triggers: CREDENTIAL_TRIGGERS,
    applicationName: 'ficus_credentials_listen',
    topic: { changes: 'credential changes', database: 'the legacy database', fallback: 'credentials are read on every call' },
    onNotification: (payload) => changes.announce(payload || '*'),
    onListening: () => changes.listening(),
    onDeaf: () => changes.deaf(),
  });
  return { changes, close: () => subscription.close() };
}
