import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';

/**
 * Crash tests start a child process hundreds of times; through the tsx loader each start costs
 * seconds on a busy 2-core machine. One esbuild bundle per run starts in a fraction of that.
 * npm packages are bundled too: resolving and loading a few hundred files from node_modules was
 * most of the remaining start (measured: 600-800 ms to "ready" with them external, 220-350 ms
 * inlined). CommonJS packages in an ESM bundle still call require() for node built-ins, hence the
 * createRequire banner; the optional pg-native stays external (pg only loads it when asked to).
 * The bundle lives under node_modules/.cache so anything external resolves as from the project.
 */
export async function bundleForChild(entry: string): Promise<string> {
  const outDir = path.join(PROJECT_ROOT, 'node_modules/.cache/ficus-test');
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    external: ['pg-native'],
    banner: { js: "import { createRequire as __ficusCreateRequire } from 'node:module'; const require = __ficusCreateRequire(import.meta.url);" },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}

/** Environment a bundled child needs to find what modules find relative to their own file. */
export const BUNDLED_CHILD_ENV = { FICUS_SCHEMAS_DIR: path.join(PROJECT_ROOT, 'schemas') };
