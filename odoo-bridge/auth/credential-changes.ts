import pg from 'pg';
import type { Logger } from 'pino';
import { backoffDelay, sleep } from '../../platform/backoff.ts';
import { CREDENTIALS_CHANNEL, ensureCredentialTriggers, triggersInPlace } from './credential-triggers.ts';

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

export interface CredentialChangeFeedOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Reconnection delays after the listening connection is lost. */
  backoff?: { baseMs: number; maxMs: number };
  /** How often the triggers are checked to still be there (someone may restore or drop them). */
  verifyEveryMs?: number;
}

/**
 * Listens for credential changes of the database behind `pool` on a connection of its own, and
 * keeps listening. The feed is live (remembered acceptances usable) only while both hold: the
 * connection LISTENs, and the triggers that announce changes (credential-triggers.ts) are in
 * place, checked on every (re)connection and every `verifyEveryMs`, since the database may have
 * been replaced meanwhile (`ficus db reset` restores a copy without them; they are put back).
 * Otherwise it is deaf: every remembered acceptance is void, and credential checks read the
 * database on every call, as they did before this feed existed. A database where the triggers
 * cannot be installed at all (Ficus is not the tables' owner) leaves the feed deaf for good,
 * with one warning.
 */
export async function startCredentialChangeFeed(pool: pg.Pool, options: CredentialChangeFeedOptions): Promise<CredentialChangeFeed> {
  const changes = new CredentialChanges();
  const backoff = options.backoff ?? { baseMs: 100, maxMs: 5000 };
  const stopping = new AbortController();
  let client: pg.Client | undefined;
  let reconnecting = false;

  if (!(await ensureCredentialTriggers(pool))) {
    options.logger.warn('cannot install the credential-change triggers on the legacy database (not its owner, or it was busy): credentials are read on every call');
    return { changes, close: async () => undefined };
  }

  /** Connects, LISTENs, makes sure the triggers are there, and only then goes live. */
  const connect = async (): Promise<void> => {
    // pg.Pool keeps an explicitly given password out of its enumerable options.
    const next = new pg.Client({ ...pool.options, password: pool.options.password, application_name: 'ficus_credentials_listen' } as pg.ClientConfig);
    let armed = false;
    let lost = false;
    const onLost = () => {
      if (!armed || lost) return;
      lost = true;
      changes.deaf();
      if (stopping.signal.aborted) return;
      options.logger.warn('lost the credential-change connection to the legacy database: credentials are read on every call until it is back');
      void reconnect();
    };
    next.on('notification', (message) => {
      if (message.channel === CREDENTIALS_CHANNEL) changes.announce(message.payload ?? '*');
    });
    next.on('error', onLost);
    next.on('end', onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
      if (!(await ensureCredentialTriggers(pool))) throw new Error('the credential-change triggers cannot be installed');
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopping.signal.aborted) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    armed = true;
    changes.listening();
  };

  const reconnect = async (): Promise<void> => {
    if (reconnecting) return;
    reconnecting = true;
    try {
      for (let attempt = 0; !stopping.signal.aborted; attempt++) {
        await sleep(backoffDelay(attempt, backoff), stopping.signal);
        if (stopping.signal.aborted || pool.ending) return;
        try {
          await connect();
          options.logger.info('listening for credential changes again');
          return;
        } catch {
          // still unreachable, or the triggers cannot be put back yet: try again later
        }
      }
    } finally {
      reconnecting = false;
    }
  };

  /** The triggers may vanish under a live connection (a restore, a DROP): then go deaf and put them back. */
  const verify = setInterval(() => {
    const listening = client;
    if (!changes.live || !listening) return;
    // Asked on the listening connection itself: no pool connection is taken from the calls.
    triggersInPlace(listening).then(
      (inPlace) => {
        if (inPlace || !changes.live) return;
        changes.deaf();
        options.logger.warn('the credential-change triggers are gone from the legacy database: credentials are read on every call until they are back');
        client = undefined;
        void listening.end().catch(() => undefined); // its 'end' starts the reconnection, which reinstalls them
      },
      () => undefined, // the database is unreachable: the connection's own error says so
    );
  }, options.verifyEveryMs ?? 10_000);
  verify.unref();

  try {
    await connect();
  } catch {
    void reconnect();
  }
  return {
    changes,
    async close() {
      stopping.abort();
      clearInterval(verify);
      changes.deaf();
      await client?.end().catch(() => undefined);
    },
  };
}
