import pg from 'pg';
import type { Logger } from 'pino';
import { sleep } from '../../../platform/backoff.ts';

/**
 * LISTENs on one service database for the outbox trigger's NOTIFY and counts the wake-ups.
 * Readers compare the count before and after a read, so a notification that arrives while they
 * read is never lost; if the connection drops, it reconnects and readers fall back to polling.
 */
export class OutboxListener {
  private generation = 0;
  private waiters = new Set<() => void>();
  private client: pg.Client | undefined;
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;

  constructor(private readonly url: string, private readonly logger: Logger) {
    this.loop = this.keepListening();
  }

  get count(): number {
    return this.generation;
  }

  /** Resolves at the next notification after `seen`, or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.generation !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private wake(): void {
    this.generation++;
    for (const waiter of [...this.waiters]) waiter();
  }

  private async keepListening(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'ficus-outbox-listener' });
      try {
        const ended = new Promise<void>((resolve) => {
          client.once('end', resolve);
          client.once('error', (error) => {
            this.logger.warn({ err: error }, 'outbox listener connection failed; reconnecting');
            resolve();
          });
        });
        client.on('notification', () => this.wake());
        await client.connect();
        this.client = client;
        await client.query('LISTEN ficus_outbox');
        this.wake(); // catch up on anything committed while not listening
        await ended;
      } catch (error) {
        if (!this.stopping.signal.aborted) this.logger.warn({ err: error }, 'outbox listener could not connect; retrying');
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(1000, this.stopping.signal);
    }
  }
}
