import http, { type IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

/** One request to a service instance, the body read in full so it can be sent again elsewhere. */
export interface RemoteRequest {
  method: string;
  /** Path and query, as sent to the instance. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RemoteResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Why an attempt failed without an answer. `not-sent`: no connection was made (refused, no route),
 * so the instance never saw the request and it may go to another one whatever it is. `ambiguous`:
 * the request went out and no answer came (a reset, a timeout): the instance may have done it.
 */
export class RemoteFailure extends Error {
  constructor(readonly kind: 'not-sent' | 'ambiguous', readonly instance: string, readonly reason: string) {
    super(`${instanceLabel(instance)}: ${reason}`);
    this.name = 'RemoteFailure';
  }
}

/** Every instance of the service was tried (or none is up) and none answered. */
export class NoInstanceAnswered extends Error {
  constructor(readonly service: string, readonly last: RemoteFailure | undefined, readonly outcomeUnknown: boolean) {
    super(`no instance of ${service} answered${last ? ` (last: ${last.message})` : ''}`);
    this.name = 'NoInstanceAnswered';
  }
}

export interface RetryPolicy {
  /** Resend after an ambiguous failure: only for calls that are safe to run twice (reads, keyed writes). */
  idempotent: boolean;
}

export interface ServiceInstancesOptions {
  service: string;
  urls: readonly string[];
  timeoutMs: number;
  healthIntervalMs: number;
  logger: Logger;
  metrics: Registry;
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

/**
 * The instances of one service the gateway routes to: round robin over the healthy ones, each
 * asked `/readyz` every healthIntervalMs, and taken out at once when a connection to it fails
 * (back in when /readyz answers 200 again). `send` tries instances in turn: after `not-sent` any
 * request moves on; after `ambiguous` only an idempotent one does, so a write is never run twice
 * by the gateway's doing.
 */
export class ServiceInstances {
  readonly service: string;
  readonly #urls: readonly string[];
  readonly #healthy: Map<string, boolean>;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 1000 });
  readonly #options: ServiceInstancesOptions;
  readonly #up: Gauge<'service' | 'instance'>;
  readonly #attempts: Counter<'service' | 'outcome'>;
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ServiceInstancesOptions) {
    this.#options = options;
    this.service = options.service;
    this.#urls = options.urls;
    // Optimistic until the first check: a gateway starting beside its services routes at once.
    this.#healthy = new Map(options.urls.map((u) => [u, true]));
    this.#up = metricOf(options.metrics, 'ficus_remote_instance_up', () => new Gauge({ name: 'ficus_remote_instance_up', help: 'Whether the gateway routes to a service instance (1) or holds it out after a failed /readyz or connection (0); instance as configured in FICUS_SERVICE_URLS', labelNames: ['service', 'instance'], registers: [options.metrics] }));
    this.#attempts = metricOf(options.metrics, 'ficus_remote_attempts_total', () => new Counter({ name: 'ficus_remote_attempts_total', help: 'Attempts at a service instance by outcome: answered, not_sent (moved on), ambiguous (moved on only when idempotent)', labelNames: ['service', 'outcome'], registers: [options.metrics] }));
    for (const url of options.urls) this.#up.set({ service: this.service, instance: instanceLabel(url) }, 1);
  }

  start(): void {
    const check = () => void Promise.all(this.#urls.map((url) => this.#check(url)));
    check();
    this.#timer = setInterval(check, this.#options.healthIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#agent.destroy();
  }

  healthyCount(): number {
    return [...this.#healthy.values()].filter(Boolean).length;
  }

  /** The next healthy instance not yet tried; when none is healthy, one not yet tried anyway (the check may lag). */
  #next(tried: ReadonlySet<string>): string | undefined {
    const n = this.#urls.length;
    for (const wantHealthy of [true, false]) {
      for (let i = 0; i < n; i++) {
        const url = this.#urls[(this.#cursor + i) % n]!;
        if (tried.has(url) || (wantHealthy && !this.#healthy.get(url))) continue;
        this.#cursor = (this.#cursor + i + 1) % n;
        return url;
      }
    }
    return undefined;
  }

  async send(request: RemoteRequest, policy: RetryPolicy): Promise<RemoteResponse> {
    const tried = new Set<string>();
    let last: RemoteFailure | undefined;
    let outcomeUnknown = false;
    // One URL may stand for many instances (a Kubernetes Service): then a second attempt goes to it again.
    for (let attempt = 0; attempt < Math.max(2, this.#urls.length); attempt++) {
      if (tried.size === this.#urls.length) tried.clear();
      const url = this.#next(tried)!;
      tried.add(url);
      try {
        const response = await this.#attempt(url, request);
        this.#attempts.inc({ service: this.service, outcome: 'answered' });
        return response;
      } catch (error) {
        if (!(error instanceof RemoteFailure)) throw error;
        last = error;
        this.#attempts.inc({ service: this.service, outcome: error.kind === 'not-sent' ? 'not_sent' : 'ambiguous' });
        this.#setHealthy(url, false, error.reason);
        if (error.kind === 'ambiguous') {
          outcomeUnknown = true;
          if (!policy.idempotent) break;
        }
      }
    }
    throw new NoInstanceAnswered(this.service, last, outcomeUnknown && !policy.idempotent);
  }

  #attempt(url: string, request: RemoteRequest): Promise<RemoteResponse> {
    return new Promise((resolve, reject) => {
      let sent = false;
      const req = http.request(`${url}${request.path}`, {
        method: request.method,
        headers: { ...request.headers, 'content-length': String(request.body.length) },
        agent: this.#agent,
        timeout: this.#options.timeoutMs,
      });
      req.on('socket', (socket) => {
        if (req.reusedSocket || !socket.connecting) sent = true;
        else socket.once('connect', () => (sent = true));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.#options.timeoutMs} ms`), { code: 'FICUS_TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'error';
        const notSent = !sent && (NOT_CONNECTED.has(code) || code === 'FICUS_TIMEOUT' || code === 'ECONNRESET');
        reject(new RemoteFailure(notSent ? 'not-sent' : 'ambiguous', url, code === 'FICUS_TIMEOUT' ? error.message : code));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (error: NodeJS.ErrnoException) => reject(new RemoteFailure('ambiguous', url, error.code ?? 'answer cut off')));
        res.on('aborted', () => reject(new RemoteFailure('ambiguous', url, 'answer cut off')));
      });
      req.end(request.body);
    });
  }

  async #check(url: string): Promise<void> {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`${url}/readyz`, { agent: this.#agent, timeout: Math.min(this.#options.healthIntervalMs, this.#options.timeoutMs) }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
    this.#setHealthy(url, ok, ok ? 'ready' : '/readyz did not answer 200');
  }

  #setHealthy(url: string, healthy: boolean, reason: string): void {
    if (this.#healthy.get(url) === healthy) return;
    this.#healthy.set(url, healthy);
    this.#up.set({ service: this.service, instance: instanceLabel(url) }, healthy ? 1 : 0);
    this.#options.logger[healthy ? 'info' : 'warn']({ service: this.service, instance: instanceLabel(url), reason }, healthy ? 'service instance back in rotation' : 'service instance out of rotation');
  }
}

/** host:port: what an operator wrote in FICUS_SERVICE_URLS (no credentials ever reach a label). */
function instanceLabel(url: string): string {
  return new URL(url).host;
}

/** One metric per registry, however many services create it. */
function metricOf<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
