import { LogicalReplicationService, type Pgoutput } from 'pg-logical-replication';
import type { Logger } from 'pino';
import type { ApplyResult, ChangeApplier } from '../apply/applier.ts';
import type { ChangeEvent } from '../events/change-event.ts';
import { SESSION_SETTINGS } from '../events/encode-pg-text.ts';
import { lsnToNumber, numberToLsn } from '../events/lsn.ts';
import { sleep } from '../../platform/backoff.ts';
import type { PgoutputDecoder } from './pgoutput-decoder.ts';
import { RawPgoutputPlugin } from './raw-pgoutput-plugin.ts';

export interface StreamSessionOptions {
  url: string;
  slot: string;
  publication: string;
  /** Where to resume: the commit end LSN the target last committed (0 = the slot's confirmed_flush_lsn). */
  startLsn: number;
  decoder: PgoutputDecoder;
  applier: ChangeApplier;
  /** Stored with every batch, with `lsn` set to the batch's last complete commit. */
  checkpoint: (lsn: number) => { source: string; position: unknown };
  batchSize: number;
  /** A batch waits at most this long for more changes before it is applied. */
  maxDelayMs: number;
  logger: Logger;
  onApplied?: (events: readonly ChangeEvent[], result: ApplyResult) => void;
  onError: (stage: string) => void;
}

/** Counts messages as the library parses them (on arrival), to know whether any are still queued. */
class CountingPlugin extends RawPgoutputPlugin {
  parsed = 0;
  override parse(buffer: Buffer): Pgoutput.Message {
    this.parsed++;
    return super.parse(buffer);
  }
}

/**
 * One replication connection, from START_REPLICATION until it fails or is stopped. Changes are
 * buffered into batches that end at transaction commits where possible; a batch is applied
 * (one target transaction, checkpoint included) and only then is the commit end LSN
 * acknowledged to PostgreSQL. The library's own acknowledgements are off: its timer would
 * confirm the last *received* LSN, not the last applied one.
 */
export class StreamSession {
  readonly #o: StreamSessionOptions;
  readonly #service: LogicalReplicationService;
  readonly #plugin: CountingPlugin;
  #buffer: ChangeEvent[] = [];
  #bufferSince = 0;
  /** End LSN of the last commit handed to the buffer (what the next flush may acknowledge). */
  #commitEnd: number;
  #acked: number;
  #handled = 0;
  #flushing: Promise<void> = Promise.resolve();
  /** A batch is being applied or queued to be. */
  #flushActive = false;
  #pendingFlushes = 0;
  #timer: NodeJS.Timeout | undefined;
  #failure: Error | undefined;
  #failed!: (error: Error) => void;
  #lastMessageAt = Date.now();
  #stopRequested!: () => void;
  readonly #stopped = new Promise<void>((resolve) => (this.#stopRequested = resolve));

  constructor(options: StreamSessionOptions) {
    this.#o = options;
    this.#commitEnd = options.startLsn;
    this.#acked = options.startLsn;
    this.#service = new LogicalReplicationService(
      { connectionString: options.url, options: SESSION_SETTINGS, application_name: `${options.slot}_reader`, connectionTimeoutMillis: 10_000 },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    this.#plugin = new CountingPlugin({ protoVersion: 1, publicationNames: [options.publication], messages: true });
  }

  /** Last LSN confirmed to the server. */
  get acknowledged(): number {
    return this.#acked;
  }

  get lastMessageAt(): number {
    return this.#lastMessageAt;
  }

  /** Resolves when stopped, rejects when the connection or an apply fails. */
  async run(): Promise<void> {
    const failed = new Promise<never>((_, reject) => (this.#failed = reject));
    failed.catch(() => undefined);
    this.#service.on('error', (error: Error) => this.#fail(error, 'stream'));
    this.#service.on('data', (lsn: string, message: Pgoutput.Message) => this.#onData(lsn, message));
    this.#service.on('heartbeat', (lsn: string, _ts: number, shouldRespond: boolean) => this.#onKeepalive(lsn, shouldRespond));
    const streaming = this.#service.subscribe(this.#plugin, this.#o.slot, numberToLsn(this.#o.startLsn));
    const settled = streaming.then(() => undefined, () => undefined);
    const started = new Promise<void>((resolve) => this.#service.once('start', () => resolve()));
    try {
      await Promise.race([streaming, failed, this.#stopped]);
      if (this.#failure) throw this.#failure;
    } finally {
      clearTimeout(this.#timer);
      // subscribe() opens its connection asynchronously, and pg's Client.end() on a connection
      // still being opened leaves connect() pending forever (and the library forgets the client),
      // which would leave a walsender streaming and the slot busy. So stop only once replication
      // started or subscribe() gave up (connectionTimeoutMillis bounds the wait), and repeat
      // until subscribe() has returned.
      await Promise.race([started, settled]);
      let done = false;
      void settled.then(() => (done = true));
      while (!done) {
        await Promise.race([this.#service.stop().catch(() => undefined), settled]);
        await Promise.race([settled, sleep(50)]);
      }
      await this.#flushing.catch(() => undefined);
      this.#service.removeAllListeners();
    }
  }

  /** Applies what is buffered up to the last complete transaction, then closes the connection. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    if (!this.#failure) await this.#flush().catch(() => undefined);
    this.#stopRequested();
  }

  async #onData(lsn: string, message: Pgoutput.Message): Promise<void> {
    if (this.#failure) return;
    this.#lastMessageAt = Date.now();
    try {
      const decoded = this.#o.decoder.decode(lsn, message);
      if (decoded.kind === 'changes') {
        if (this.#buffer.length === 0) this.#bufferSince = Date.now();
        for (const event of decoded.events) this.#buffer.push(event);
        // Backpressure: while the target is behind, stop reading (the library pauses the socket
        // while this handler is pending). A huge source transaction is applied in pieces this
        // way; only its commit is acknowledged.
        if (this.#buffer.length >= this.#o.batchSize * 2) {
          await this.#flushing;
          await this.#flush();
        }
      } else if (decoded.kind === 'commit') {
        this.#commitEnd = decoded.commitEndLsn;
        // While a batch is being applied the next one grows; it starts as soon as that one
        // commits (decoding and applying overlap, and batches grow with the target's latency).
        if (this.#flushActive) return;
        if (this.#buffer.length >= this.#o.batchSize || Date.now() - this.#bufferSince >= this.#o.maxDelayMs) void this.#flush().catch(() => undefined);
        else this.#scheduleFlush();
      } else if (decoded.kind === 'truncate') {
        // Debezium skips truncates by default (skipped.operations=t); Odoo never truncates its tables.
        this.#o.onError('truncate_not_applied');
        this.#o.logger.error({ tables: decoded.tables }, 'TRUNCATE on a published table is not replicated; re-snapshot these tables');
      }
    } catch (error) {
      this.#fail(error as Error, 'decode');
    } finally {
      this.#handled++;
    }
  }

  /** Applies a quiet stream's last batch once no message has arrived for a moment. */
  #scheduleFlush(): void {
    if (this.#timer) return;
    const quietMs = Math.min(5, this.#o.maxDelayMs);
    const tick = () => {
      this.#timer = undefined;
      if (this.#failure) return;
      const idle = Date.now() - this.#lastMessageAt;
      if (idle < quietMs && Date.now() - this.#bufferSince < this.#o.maxDelayMs) {
        this.#timer = setTimeout(tick, quietMs - idle);
        return;
      }
      this.#flush().catch(() => undefined);
    };
    this.#timer = setTimeout(tick, quietMs);
  }

  #flush(): Promise<void> {
    this.#flushActive = true;
    this.#pendingFlushes++;
    this.#flushing = this.#flushing.then(async () => {
      try {
        await this.#applyBuffered();
      } finally {
        this.#flushActive = --this.#pendingFlushes > 0;
      }
      // What arrived meanwhile and already has its commit goes next, without waiting; also a
      // commit with no changes (a drain marker), which no later message may come to carry.
      if (!this.#failure && this.#commitEnd > this.#acked) void this.#flush().catch(() => undefined);
    });
    return this.#flushing;
  }

  async #applyBuffered(): Promise<void> {
    if (this.#failure) return;
    const events = this.#buffer;
    const ack = this.#commitEnd;
    if (events.length === 0 && ack <= this.#acked) return;
    this.#buffer = [];
    this.#bufferSince = Date.now();
    try {
      const result = await this.#o.applier.apply(events, this.#o.checkpoint(ack));
      this.#acknowledge(ack);
      this.#o.onApplied?.(events, result);
    } catch (error) {
      this.#fail(error as Error, 'apply');
      throw error;
    }
  }

  /**
   * Keepalives carry the server's sent position. When every message received so far has been
   * handled and applied and no transaction is open, that position is safe to confirm: it lets
   * confirmed_flush_lsn (and so WAL recycling) advance while the published tables are quiet
   * but the server is not (pgjdbc ≥ 42.7 does the same).
   */
  #onKeepalive(lsn: string, shouldRespond: boolean): void {
    if (this.#failure) return;
    const idle = this.#plugin.parsed === this.#handled && !this.#o.decoder.inTransaction && this.#buffer.length === 0 && !this.#flushActive && this.#commitEnd <= this.#acked;
    const walEnd = lsnToNumber(lsn);
    if (idle && walEnd > this.#acked) {
      this.#commitEnd = walEnd;
      this.#acknowledge(walEnd);
    } else if (shouldRespond) {
      this.#acknowledge(this.#acked, true);
    }
  }

  /**
   * The library sends `lsn + 1` as write/flush/apply position; the server then skips every
   * transaction whose commit record starts before it. A commit record may start exactly at the
   * previous commit's end, so confirm `end - 1` to have the server store `end`.
   */
  #acknowledge(end: number, force = false): void {
    if (end <= 0 || (!force && end <= this.#acked)) return;
    this.#acked = Math.max(this.#acked, end);
    void this.#service.acknowledge(numberToLsn(end - 1));
  }

  #destroySocket(): void {
    // pg-logical-replication keeps its pg.Client private; reach it only to destroy the socket.
    const internal = this.#service as unknown as { _client?: { connection?: { stream?: { destroy(): void } } } | null };
    internal._client?.connection?.stream?.destroy();
  }

  #fail(error: Error, stage: string): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#o.onError(stage);
    this.#failed(error);
  }
}
