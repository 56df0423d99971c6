/** One client call of a drill load: what it is, on which channel, and the work that makes it. */
export interface DrillCall<Channel extends string> {
  method: string;
  channel: Channel;
  write: boolean;
  run(): Promise<void>;
}

/** What every drill load reports of its calls, whatever it calls. */
export interface CallFigures<Channel extends string> {
  calls: number;
  reads: number;
  writes: number;
  /** Calls the open loop started more than LATE_MS after their slot (open-loop.ts). */
  late: number;
  byChannel: Record<Channel, number>;
  byMethod: Record<string, number>;
  failures: { method: string; message: string; at: number }[];
  /** Each write's start (epoch ms) and latency: drill-figures.ts finds those a freeze held. */
  writeLatencies: { at: number; ms: number }[];
  /** Latencies by method (ms, in call order), to tell which call is slow. */
  latencyByMethod: Record<string, number[]>;
  /** The twenty slowest calls over 500 ms. */
  slowest: { method: string; at: number; ms: number }[];
}

export function emptyCallFigures<Channel extends string>(channels: readonly Channel[]): CallFigures<Channel> {
  return {
    calls: 0, reads: 0, writes: 0, late: 0, byChannel: Object.fromEntries(channels.map((c) => [c, 0])) as Record<Channel, number>,
    byMethod: {}, failures: [], writeLatencies: [], latencyByMethod: {}, slowest: [],
  };
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error));

/**
 * Runs a call and records it in `figures`: any error it throws is a failed call (a load turns the
 * answers it expects, such as a refusal, into returns before this sees them).
 */
export function callRecorder<Channel extends string>(figures: CallFigures<Channel>): (call: DrillCall<Channel>) => Promise<void> {
  return async (call) => {
    const at = Date.now();
    try {
      await call.run();
    } catch (error) {
      figures.failures.push({ method: call.method, message: messageOf(error).slice(0, 300), at });
    } finally {
      const ms = Date.now() - at;
      if (ms > 500) {
        figures.slowest.push({ method: call.method, at, ms });
        figures.slowest.sort((x, y) => y.ms - x.ms).splice(20);
      }
      figures.calls++;
      figures.byChannel[call.channel]++;
      figures.byMethod[call.method] = (figures.byMethod[call.method] ?? 0) + 1;
      (figures.latencyByMethod[call.method] ??= []).push(ms);
      if (call.write) {
        figures.writes++;
        figures.writeLatencies.push({ at, ms });
      } else figures.reads++;
    }
  };
}
