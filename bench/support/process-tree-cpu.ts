import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMs } from './cpu-time.ts';

/**
 * CPU ms (user + system) of a process and all its descendants, e.g. one PostgreSQL cluster's
 * postmaster and its backends. Unlike cpuMsOfProcessesNamed it leaves out the other clusters on
 * a shared machine (test clusters of other runs), which would otherwise be billed to this one.
 * A backend that exits takes its CPU time with it: measure over pooled, long-lived connections.
 */
export function cpuMsOfProcessTree(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) is the second after the command name, which may itself hold spaces.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const siblings = children.get(parent) ?? [];
      siblings.push(Number(entry));
      children.set(parent, siblings);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    total += processCpuMs(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}
