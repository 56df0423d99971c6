import { AsyncLocalStorage } from 'node:async_hooks';
import net from 'node:net';
import type pg from 'pg';

/**
 * Thrown out of a write that a cutover freeze cancelled before any of its commits: everything it
 * did was rolled back. Only the gateway's phase-aware handler that started the attempt sees it;
 * it sends the call through the freeze gate again, so the client never does.
 */
export class WriteCancelled extends Error {
  constructor() {
    super('the write was cancelled by a cutover freeze before it committed (rolled back; it runs again once the freeze lifts)');
    this.name = 'WriteCancelled';
  }
}

type AttemptState = 'running' | 'committing' | 'cancelled';

/** How often a cancelled attempt's running statements are interrupted again (one may start right after a cancel request landed). */
const INTERRUPT_EVERY_MS = 25;
/** How long a statement that was sent a cancel request waits before it is sent another. */
const REPEAT_CANCEL_AFTER_MS = 200;

/**
 * One try of a client's write call, as the freeze gate sees it: cancellable until the first of its
 * transactions starts to commit, never after. A commit may have happened from the moment COMMIT
 * is sent (its answer can be lost), so from then on the write is waited for, and a cancelled one
 * can no longer send COMMIT: the state moves one way under one check, on one thread.
 *
 * Everything the call does in this process runs inside the attempt (AsyncLocalStorage): the
 * engine's transactions (write/transaction.ts) register their connections here, take the commit
 * turn here, and wait for connections and retries through `race`, so a cancelled attempt unwinds
 * at once: a statement waiting on a row lock is interrupted by PostgreSQL's cancel request, a
 * wait for a pool connection or a retry's back-off stops, and the connection is discarded (a
 * cancel request still on its way must not reach the next user of that backend).
 */
export class WriteAttempt {
  #state: AttemptState = 'running';
  readonly #open = new Set<pg.PoolClient>();
  #interrupting: NodeJS.Timeout | undefined;
  readonly #interrupted = new WeakMap<pg.PoolClient, { statement: unknown; at: number }>();
  readonly #cancelled: Promise<never>;
  #reject!: (error: Error) => void;

  constructor() {
    this.#cancelled = new Promise<never>((_, reject) => (this.#reject = reject));
    // Nobody may be racing it when it is cancelled.
    this.#cancelled.catch(() => undefined);
  }

  get state(): AttemptState {
    return this.#state;
  }

  /**
   * Cancels the attempt if none of its commits may have happened yet: true when it will unwind
   * (rolled back, WriteCancelled), false when it is committing and must be waited for.
   */
  cancel(): boolean {
    if (this.#state === 'committing') return false;
    if (this.#state === 'cancelled') return true;
    this.#state = 'cancelled';
    this.#reject(new WriteCancelled());
    this.#interrupt();
    return true;
  }

  /** The commit turn: false for a cancelled attempt (the caller rolls back), else the attempt can no longer be cancelled. */
  beginCommit(): boolean {
    if (this.#state === 'cancelled') return false;
    this.#state = 'committing';
    return true;
  }

  /**
   * For work whose commits this process cannot see or stop (a service answering in another
   * process): from here on the attempt is waited for. Throws WriteCancelled when already cancelled.
   */
  opaqueFromHere(): void {
    if (!this.beginCommit()) throw new WriteCancelled();
  }

  /** Waits for `work`, or throws WriteCancelled as soon as the attempt is cancelled (`late` gets what `work` gives afterwards). */
  async race<T>(work: Promise<T>, late?: (value: T) => void): Promise<T> {
    if (this.#state === 'cancelled') {
      if (late) void work.then(late, () => undefined);
      throw new WriteCancelled();
    }
    let lost = false;
    try {
      return await Promise.race([work, this.#cancelled]);
    } catch (error) {
      lost = error instanceof WriteCancelled && (this.state as AttemptState) === 'cancelled';
      throw error;
    } finally {
      if (lost && late) void work.then(late, () => undefined);
    }
  }

  /** A transaction of the attempt opened on `client` (until `closed`). */
  opened(client: pg.PoolClient): void {
    this.#open.add(client);
    if (this.#state === 'cancelled') this.#interrupt();
  }

  closed(client: pg.PoolClient): void {
    this.#open.delete(client);
    if (!this.#open.size && this.#interrupting) {
      clearInterval(this.#interrupting);
      this.#interrupting = undefined;
    }
  }

  #interrupt(): void {
    if (!this.#open.size) return;
    // A cancel request is a connection the postmaster forks a process for: a statement that was
    // sent one gets another only after a while (one that reached a backend still reading the
    // statement is ignored), a statement started since gets its own at once.
    const round = () => {
      const now = Date.now();
      for (const client of this.#open) {
        const statement = (client as unknown as BackendOf)._activeQuery;
        const last = this.#interrupted.get(client);
        if (!statement || (last?.statement === statement && now - last.at < REPEAT_CANCEL_AFTER_MS)) continue;
        this.#interrupted.set(client, { statement, at: now });
        cancelRunningStatement(client);
      }
    };
    round();
    this.#interrupting ??= setInterval(round, INTERRUPT_EVERY_MS);
    this.#interrupting.unref();
  }
}

const attempts = new AsyncLocalStorage<WriteAttempt>();

/** The write attempt the current call runs in (follows every await, nested behaviour calls included). */
export function currentWriteAttempt(): WriteAttempt | undefined {
  return attempts.getStore();
}

export function runInWriteAttempt<T>(attempt: WriteAttempt, work: () => Promise<T>): Promise<T> {
  return attempts.run(attempt, work);
}

interface BackendOf {
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
  _activeQuery?: unknown;
}

/**
 * PostgreSQL's CancelRequest (protocol 3.0, "Canceling Requests in Progress") for the statement
 * `client` is running, on a connection of its own: it needs no pool slot and no login, so it works
 * with every pool exhausted. A backend that is idle ignores it.
 */
function cancelRunningStatement(client: pg.PoolClient): void {
  const backend = client as unknown as BackendOf;
  if (!backend._activeQuery || backend.processID === null || backend.secretKey === null) return;
  const request = Buffer.alloc(16);
  request.writeInt32BE(16, 0);
  request.writeInt32BE(80877102, 4);
  request.writeInt32BE(backend.processID, 8);
  request.writeInt32BE(backend.secretKey, 12);
  const socket = backend.host.startsWith('/') ? net.connect(`${backend.host}/.s.PGSQL.${backend.port}`) : net.connect(backend.port, backend.host);
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.end(request));
  socket.setTimeout(2000, () => socket.destroy());
}
