import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../ficus-process.ts';

const run = promisify(execFile);

export interface ReplayOutcome {
  id: string;
  outcome: 'pass' | 'fail' | 'skip';
}

export interface ReplayReport {
  outcomes: ReplayOutcome[];
  /** What the replayer printed: the per-category table and the first failures. */
  printed: string;
}

/**
 * Runs the golden replayer (`test/support/golden/replay_golden.py`, the same comparison that
 * judges the hidden cases) against a running gateway.
 */
export async function replayGolden(baseUrl: string, options: { db: string; resetCmd?: string; only?: string; show?: number; file?: string }): Promise<ReplayReport> {
  const out = path.join(tmpdir(), `golden-${process.pid}-${Date.now()}.json`);
  const args = [
    path.join(PROJECT_ROOT, 'test/support/golden/replay_golden.py'),
    baseUrl,
    options.file ?? path.join(PROJECT_ROOT, 'fixtures/odoo-golden.jsonl'),
    '--db', options.db,
    '--json', out,
    '--show', String(options.show ?? 15),
    ...(options.resetCmd ? ['--reset-cmd', options.resetCmd] : []),
    ...(options.only ? ['--only', options.only] : []),
  ];
  let printed: string;
  try {
    printed = (await run('python3', args, { maxBuffer: 32 * 1024 * 1024, timeout: 600_000 })).stdout;
  } catch (error) {
    // Exit code 1 just means some cases failed; the JSON file says which.
    printed = (error as { stdout?: string }).stdout ?? '';
  }
  // The replayer's closing "N passed, M failed" line would read as this suite's own summary.
  printed = printed.replace(/^(\d+) passed, (\d+) failed, (\d+) skipped$/m, 'golden cases: $1 matched, $2 differ, $3 skipped');
  return { outcomes: JSON.parse(await readFile(out, 'utf8')) as ReplayOutcome[], printed };
}

export function categoryOf(id: string): string {
  return id.split('#')[0]!.split('.')[0]!;
}
