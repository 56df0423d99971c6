import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * CPU ms (user + system) a process tree has used so far, including what its descendants that
 * already exited used: each live process's own time plus the time of its children it reaped
 * (cutime, cstime). Unlike a sum over live processes only (process-tree-cpu.ts), this never goes
 * down when a pool closes an idle connection and its PostgreSQL backend exits, so a delta over a
 * measured interval is never billed another interval's work, nor negative.
 */
export function cpuMsOfTreeWithReaped(rootPid: number): number {
  const stats = new Map<number, { parent: number; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17 of the line.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      stats.set(Number(entry), { parent: Number(fields[1]), ms: ticks * TICK_MS });
    } catch {
      // gone meanwhile: its time is in its parent's reaped time once waited for
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of stats) {
    const siblings = children.get(parent) ?? [];
    siblings.push(pid);
    children.set(parent, siblings);
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    total += stats.get(pid)?.ms ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}
