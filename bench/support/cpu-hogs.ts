import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `count` processes spinning on a core each, at normal priority: the "noisy neighbour" a bench
 * runs beside to show what its figures become when the cores are taken.
 */
export function startCpuHogs(count: number): { stop(): void } {
  const hogs: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stop = () => {
    for (const hog of hogs) hog.kill('SIGKILL');
  };
  process.once('exit', stop); // a bench that crashes leaves no spinning orphan behind
  return { stop };
}
