/**
 * At most `limit` tasks at once, the rest wait in arrival order. Shadow comparison runs its
 * database reads through one, so that comparisons waiting for the service copy cost no
 * connection and never crowd clients out of the pools.
 */
export class WorkLimit {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((r) => this.#waiting.push(r));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
