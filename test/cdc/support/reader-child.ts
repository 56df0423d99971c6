import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { waitUntil } from './cdc-fixtures.ts';

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

export interface KillLoopOptions {
  /** Starts one child (and keeps it where afterAll can kill it). */
  start: () => ReaderChild;
  /** Even runs wait for this log message (`"msg":"…"`) before the random lifetime starts. */
  readyMsg: string;
  readyWhat: string;
  /** Upper bound of the random lifetime: after readiness (even runs), from start-up (odd runs). */
  readyLifetimeMs: number;
  anyLifetimeMs: number;
}

/**
 * Ten SIGKILLs at random points: every even run some time after the child said it is ready,
 * every odd run anywhere from start-up on. Returns the lifetimes and how many kills came after
 * readiness.
 */
export async function killTenTimes(o: KillLoopOptions): Promise<{ kills: number[]; readyKills: number }> {
  const kills: number[] = [];
  let readyKills = 0;
  for (let i = 0; i < 10; i++) {
    const child = o.start();
    if (i % 2 === 0) {
      await waitUntil(o.readyWhat, async () => child.output().includes(`"msg":"${o.readyMsg}"`), 60_000);
      readyKills++;
    }
    const lifetime = Math.floor(Math.random() * (i % 2 === 0 ? o.readyLifetimeMs : o.anyLifetimeMs));
    await new Promise((r) => setTimeout(r, lifetime));
    child.child.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    kills.push(lifetime);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
  }
  return { kills, readyKills };
}
