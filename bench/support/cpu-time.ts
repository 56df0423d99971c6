import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of processes, from /proc: where a benchmark's cores went, which
 * throughput alone cannot say on a machine where client, server and database share two cores.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux

export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12] are utime and stime (the 14th and 15th of the whole line).
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the process ended
  }
}

/** Every process whose command name is `name` (e.g. postgres backends). */
export function cpuMsOfProcessesNamed(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += processCpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** A measure() probe that records CPU ms per call of each party into `into`. */
export function cpuProbe(parties: Record<string, () => number>, into: Record<string, number>): () => (calls: number) => void {
  return () => {
    const before = Object.fromEntries(Object.entries(parties).map(([name, read]) => [name, read()]));
    return (calls) => {
      for (const [name, read] of Object.entries(parties)) into[name] = (read() - before[name]!) / Math.max(1, calls);
    };
  };
}

/** CPU time (ms) of this process's main thread alone (its task whose id is the pid): a drill's gateway, without its load's worker thread. */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
