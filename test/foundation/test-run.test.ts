import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesWithEnvironment, waitForExit } from '../support/leftover-processes.ts';

/**
 * The global teardown finds what a test run left behind through the run's own TMPDIR: these hold
 * only if test files really see it, and the processes they start really inherit it.
 */
describe('a test run has its own TMPDIR', () => {
  it('os.tmpdir() in a test file is the run folder made by the global setup', () => {
    expect(path.basename(tmpdir())).toMatch(/^ficus-run-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  it('a process a test starts carries it, and is found by it (also after leaving its process group)', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const found = processesWithEnvironment('TMPDIR', tmpdir()).map((p) => p.pid);
      expect(found).toContain(child.pid);
    } finally {
      child.kill('SIGKILL');
      expect(await waitForExit([child.pid!], 10_000)).toEqual([]);
    }
  });
});
