/** Latency samples and the figures every benchmark prints. */
export interface Figures {
  calls: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `call` from `concurrency` loops for `seconds` (after a warm-up) and measures each call.
 * Bounded in time and count, as load tests here must be.
 */
export async function measure(
  call: () => Promise<unknown>,
  { seconds, concurrency, warmupSeconds = 1, maxCalls = 1_000_000, onMeasured }: { seconds: number; concurrency: number; warmupSeconds?: number; maxCalls?: number; onMeasured?: Probe },
): Promise<Figures> {
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < warmupEnd) await call();
  }));
  const latencies: number[] = [];
  const stopProbe = onMeasured?.();
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end && latencies.length < maxCalls) {
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  stopProbe?.(latencies.length);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { calls: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Started when the measured phase (after the warm-up) starts; told the call count when it ends. */
export type Probe = () => (calls: number) => void;

export function printTable(title: string, rows: { name: string; figures: Figures; note?: string }[]): void {
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(34)}${'calls/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'calls'.padStart(9)}  note`);
  for (const { name, figures, note } of rows) {
    console.log(
      `${name.padEnd(34)}${figures.perSecond.toFixed(0).padStart(10)}${figures.p50Ms.toFixed(2).padStart(10)}${figures.p99Ms.toFixed(2).padStart(10)}${String(figures.calls).padStart(9)}  ${note ?? ''}`,
    );
  }
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `--seconds N` from the command line, else `fallback`; a missing or non-positive value is refused. */
export function secondsArgument(fallback: number): number {
  const at = process.argv.indexOf('--seconds');
  if (at < 0) return fallback;
  const seconds = Number(process.argv[at + 1]);
  if (!(seconds > 0)) throw new Error(`--seconds needs a positive number, got ${process.argv[at + 1]}`);
  return seconds;
}
