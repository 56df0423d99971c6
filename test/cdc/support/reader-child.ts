import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '../../../cdc/embedded/reader-process.ts');

export interface ReaderChild {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
}

/** The embedded reader as its own OS process (`node --import tsx cdc/embedded/reader-process.ts`). */
export function startReaderChild(env: Record<string, string>): ReaderChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}
