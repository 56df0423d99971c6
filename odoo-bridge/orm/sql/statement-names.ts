import { createHash } from 'node:crypto';

/**
 * Names for the statements the engine runs again and again, so that each pool connection
 * prepares them once (pg keeps the parsed statement per connection and then sends only
 * Bind/Execute).
 *
 * Why: a search with record rules compiles to SQL with nested sub-selects whose planning costs
 * more than running it. A named statement is parsed once per connection, and PostgreSQL's
 * plan cache (plan_cache_mode=auto, the default) switches to a generic plan once it is not
 * costlier than the custom ones: the engine's 80-partner search went from 2,800 to 8,900
 * statements/s on two cores (bench/orm.ts measures the whole call). `force_custom_plan` keeps
 * only the parse saving (3,800/s), so the default is kept on purpose.
 *
 * Bounds, because every name costs memory in every backend that ran it:
 * - a text gets a name only on its second run: one-off statements (an unusual domain, a
 *   write) stay unnamed;
 * - at most `maxNames` texts are ever named in this process; later ones run unnamed;
 * - the repeat counter forgets everything when it reaches `maxCandidates` texts.
 */
export class StatementNames {
  readonly #names = new Map<string, string>();
  readonly #seenOnce = new Set<string>();
  readonly #refused = new Set<string>();

  constructor(
    private readonly maxNames = 256,
    private readonly maxCandidates = 10_000,
  ) {}

  /** The name to prepare `text` under, or undefined to run it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known) return known;
    if (this.#names.size >= this.maxNames || this.#refused.has(text)) return undefined;
    if (!this.#seenOnce.has(text)) {
      if (this.#seenOnce.size >= this.maxCandidates) this.#seenOnce.clear();
      this.#seenOnce.add(text);
      return undefined;
    }
    this.#seenOnce.delete(text);
    // A digest of the text: two texts never share a name (pg refuses a name reused for another text).
    const name = `ficus_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    this.#names.set(text, name);
    return name;
  }

  /**
   * After the server lost the statement (a pooler's DISCARD ALL) or its cached plan no longer
   * fits the table (DDL changed a column type): run that text unnamed from now on. pg still
   * believes the old name is parsed on its connections, so reusing the name would fail again.
   */
  refuse(text: string): void {
    this.#names.delete(text);
    if (this.#refused.size < this.maxNames) this.#refused.add(text);
  }
}
