import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '../../../cdc/embedded/reader-process.ts');
/** The Kafka consumer applying Debezium's topics, as its own process. */
export const KAFKA_CONSUMER_SCRIPT = path.resolve(import.meta.dirname, '../../../cdc/distributed/consumer-process.ts');

export interface ReaderChild {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
}

/** The embedded reader (or another CDC script) as its own OS process (`node --import tsx <script>`). */
export function startReaderChild(env: Record<string, string>, script = SCRIPT): ReaderChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}
