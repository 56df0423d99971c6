/**
 * PBKDF2 on a few worker threads of lower scheduling priority. A password check costs ~0.4 s of
 * CPU (600,000 rounds); on libuv's pool (crypto.pbkdf2) four of them ran beside the event loop at
 * equal priority, and during a login storm a cheap request waited for a core (bench/auth.ts: the
 * p99 of GET /auth/verify rose 3.6×). Here at most cores − 1 hashes run at once, so one core is
 * always left to the event loop and PostgreSQL: with one hash thread per core, a cheap request
 * during a storm waited for the scheduler to preempt a hash (common.version p99 3–5× quiet),
 * whatever the threads' nice value short of starving logins on a busy machine. Halving the
 * hash throughput of a 2-core machine was affordable once repeated wrong secrets stopped costing
 * a hash each (verification-cache.ts remembers failures, for unknown logins too). Each thread
 * lowers its own priority (Linux applies setpriority(PRIO_PROCESS, 0) to the calling thread
 * only) mildly (nice 2: about two thirds of an equal share against busy threads): at 5 or more a
 * loaded machine stretched a suite full of logins past its time limit.
 *
 * The worker is plain JavaScript evaluated in place (no file, no TypeScript loader needed), and
 * its threads are unref'd: an idle pool never keeps the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export const HASH_THREAD_NICE = 2;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { pbkdf2Sync } = require('node:crypto');
const { setPriority } = require('node:os');
try { setPriority(${HASH_THREAD_NICE}); } catch {}
parentPort.on('message', ({ id, secret, salt, rounds, keyLength, digest }) => {
  try {
    const derived = pbkdf2Sync(Buffer.from(secret), Buffer.from(salt), rounds, keyLength, digest);
    parentPort.postMessage({ id, derived }, [derived.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Job {
  id: number;
  secret: Buffer;
  salt: Buffer;
  rounds: number;
  keyLength: number;
  digest: string;
  resolve(derived: Buffer): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  derived?: Uint8Array;
  error?: string;
}

class Pbkdf2Pool {
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  #started = 0;
  #nextId = 1;

  constructor(readonly size: number) {}

  derive(secret: Buffer, salt: Buffer, rounds: number, keyLength: number, digest: string): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, secret, salt, rounds, keyLength, digest, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length) {
      const worker = this.#idle.pop() ?? (this.#started < this.size ? this.#spawn() : undefined);
      if (!worker) return;
      const job = this.#queue.shift()!;
      this.#busy.set(worker, job);
      worker.ref();
      worker.postMessage({ id: job.id, secret: job.secret, salt: job.salt, rounds: job.rounds, keyLength: job.keyLength, digest: job.digest });
    }
  }

  #spawn(): Worker {
    this.#started++;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.unref();
      this.#idle.push(worker);
      if (job && reply.id === job.id) {
        if (reply.derived) job.resolve(Buffer.from(reply.derived.buffer, reply.derived.byteOffset, reply.derived.byteLength));
        else job.reject(new Error(`pbkdf2 failed: ${reply.error ?? 'unknown error'}`));
      }
      this.#dispatch();
    });
    worker.on('error', (error) => this.#lose(worker, error));
    worker.on('exit', (code) => this.#lose(worker, new Error(`pbkdf2 worker exited with code ${code}`)));
    return worker;
  }

  /** A dead worker fails its job (never silently drops it) and makes room for a new one. */
  #lose(worker: Worker, error: Error): void {
    const job = this.#busy.get(worker);
    this.#busy.delete(worker);
    const idleAt = this.#idle.indexOf(worker);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    if (job || idleAt >= 0 || this.#started > this.#busy.size + this.#idle.length) this.#started--;
    job?.reject(error);
    this.#dispatch();
  }
}

let shared: Pbkdf2Pool | undefined;

/** PBKDF2 off the event loop, at most cores − 1 at a time (at least one), at lowered priority. */
export function pbkdf2OnHashThreads(secret: Buffer, salt: Buffer, rounds: number, keyLength: number, digest: string): Promise<Buffer> {
  shared ??= new Pbkdf2Pool(Math.max(1, availableParallelism() - 1));
  return shared.derive(secret, salt, rounds, keyLength, digest);
}
