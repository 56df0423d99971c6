import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';

/**
 * Crash tests start a child process hundreds of times; through the tsx loader each start costs
 * seconds on a busy 2-core machine. One esbuild bundle per run (npm packages stay external and
 * load from node_modules) starts in a fraction of that. The bundle lives under node_modules/.cache
 * so its imports resolve against the project's node_modules.
 */
export async function bundleForChild(entry: string): Promise<string> {
  const outDir = path.join(PROJECT_ROOT, 'node_modules/.cache/ficus-test');
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}

/** Environment a bundled child needs to find what modules find relative to their own file. */
export const BUNDLED_CHILD_ENV = { FICUS_SCHEMAS_DIR: path.join(PROJECT_ROOT, 'schemas') };
