/**
 * Measures several variants of a call in interleaved slices (A B C, B C A, C A B, …) instead of
 * one after the other: on a machine shared with other work, a change of load then falls on every
 * variant alike, and ratios between variants hold even when absolute figures drift.
 */
export interface Variant {
  name: string;
  call: () => Promise<unknown>;
  /** CPU ms so far of whatever the variant is billed for (its server process tree and PostgreSQL, say), by part. */
  cpu?: () => Record<string, number>;
}

export interface InterleavedFigures {
  calls: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU ms per call, by part, and their total. */
  cpuMsPerCall: Record<string, number> & { total: number };
}

export async function interleave(
  variants: Variant[],
  {
    rounds,
    sliceSeconds,
    concurrency,
    warmupCalls = 2000,
    warmupSeconds = 15,
  }: {
    rounds: number;
    sliceSeconds: number;
    concurrency: number;
    /** Calls each variant makes before anything is measured (fresh processes' code is not compiled yet), within `warmupSeconds`. */
    warmupCalls?: number;
    warmupSeconds?: number;
  },
): Promise<Record<string, InterleavedFigures>> {
  const state = variants.map(() => ({ latencies: [] as number[], seconds: 0, cpu: {} as Record<string, number> }));
  for (const variant of variants) await run(variant.call, warmupSeconds, concurrency, [], warmupCalls);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length;
      const variant = variants[index]!;
      const into = state[index]!;
      const before = variant.cpu?.() ?? {};
      into.seconds += await run(variant.call, sliceSeconds, concurrency, into.latencies);
      const after = variant.cpu?.() ?? {};
      for (const part of Object.keys(after)) into.cpu[part] = (into.cpu[part] ?? 0) + after[part]! - (before[part] ?? 0);
    }
  }
  const figures: Record<string, InterleavedFigures> = {};
  variants.forEach((variant, index) => {
    const { latencies, seconds, cpu } = state[index]!;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    const calls = latencies.length;
    const perCall = Object.fromEntries(Object.entries(cpu).map(([part, ms]) => [part, ms / Math.max(1, calls)]));
    const total = Object.values(perCall).reduce((sum, ms) => sum + ms, 0);
    figures[variant.name] = { calls, seconds, perSecond: calls / seconds, p50Ms: at(0.5), p99Ms: at(0.99), cpuMsPerCall: { ...perCall, total } };
  });
  return figures;
}

/** `concurrency` loops calling for `seconds` (or until `maxCalls`); latencies are appended; returns the seconds it took. */
async function run(call: () => Promise<unknown>, seconds: number, concurrency: number, latencies: number[], maxCalls = Infinity): Promise<number> {
  const started = performance.now();
  const end = started + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && calls++ < maxCalls) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}
