import type { LoginThrottleChange } from '../odoo-bridge/auth/login-throttle.ts';

/** What a gateway worker is told to run: gateway-worker-entry.ts reads it from FICUS_GATEWAY_WORKER. */
export interface GatewayWorkerSpec {
  /** Absolute path of the module whose `startGatewayWorker(settings, link)` composes the process. */
  module: string;
  /** Plain data for that function (JSON). */
  settings: unknown;
  port: number;
  host: string;
  /** The setting that chose the port, named in the error when it is taken. */
  portSetting: string;
}

/** Messages between the primary and its gateway workers (node:cluster IPC), all tagged `ficus`. */
export type GatewayMessage =
  | { ficus: 'ready'; port: number }
  | { ficus: 'failed'; reason: string }
  | { ficus: 'stop'; graceMs: number }
  /** A login cooldown change, from the process that counted it, for every other to apply. */
  | { ficus: 'login'; change: LoginThrottleChange }
  /** A worker asks for the metrics of every process; the primary answers with their text. */
  | { ficus: 'metrics?'; id: number }
  | { ficus: 'metrics'; id: number; text: string; contentType: string }
  /** The primary asks a worker for its own metrics; it answers with prom-client's JSON. */
  | { ficus: 'own-metrics?'; id: number }
  | { ficus: 'own-metrics'; id: number; metrics: unknown[] };

export function isGatewayMessage(message: unknown): message is GatewayMessage {
  return typeof message === 'object' && message !== null && typeof (message as { ficus?: unknown }).ficus === 'string';
}

/** A worker's side of the IPC channel, handed to its composition. */
export interface WorkerLink {
  send(message: GatewayMessage): void;
  onMessage(listener: (message: GatewayMessage) => void): void;
}

/** What a worker composition returns: the request listener to serve, and how to stop its parts. */
export interface GatewayWorker {
  app: import('node:http').RequestListener;
  close(): Promise<void>;
}
