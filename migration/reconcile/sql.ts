/** A URL for reports and logs: host, port and database, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Keeps only the parameters a statement actually uses, renumbered: PostgreSQL rejects a
 * parameter it cannot infer a type for, and which of `$1…$n` a built query uses depends on
 * the table (key shape, whether it has a write date).
 */
export function bindUsedParameters(sql: string, values: readonly unknown[]): { text: string; values: unknown[] } {
  const used = [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  return {
    text: sql.replace(/\$(\d+)/g, (_, n: string) => `$${renumber.get(Number(n))}`),
    values: used.map((n) => values[n - 1]),
  };
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(runners);
  return results;
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
