/** A call starting this much after its slot started late (the ticker itself runs every 5 ms). */
export const LATE_MS = 100;

/**
 * Starts call number 0, 1, 2… on a fixed schedule (`ratePerSecond`), whether or not earlier ones
 * have answered, as independent clients do. A closed loop (each client waits for its answer)
 * would slow down exactly when the gateway does — during a freeze — and hide the wait from the
 * latencies. Calls in flight are capped at one second's worth; a call the cap holds back starts
 * as soon as room frees up, and `onLate` counts it.
 */
export function startOpenLoop(ratePerSecond: number, callNumber: (n: number) => Promise<void>, onLate: () => void): { stop(): Promise<void> } {
  const maxInFlight = Math.max(20, Math.ceil(ratePerSecond));
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  const scheduledAt = (n: number) => startedAt + (n * 1000) / ratePerSecond;
  let issued = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    while (scheduledAt(issued) <= now && inFlight.size < maxInFlight) {
      if (now - scheduledAt(issued) > LATE_MS) onLate();
      const call = callNumber(issued++).finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
