import type { Worker } from 'node:cluster';
import type { LoginThrottle } from '../odoo-bridge/auth/login-throttle.ts';
import type { GatewayMessage, WorkerLink } from './gateway-worker-protocol.ts';
import type { GatewayProcesses } from './gateway-processes.ts';

/**
 * One login cooldown across gateway processes. Odoo keeps its cooldown per worker, so N workers
 * let a guesser try N times as often; Ficus counts every failure everywhere. Each process keeps
 * a full copy of the counters and checks it locally (no message per call); every failure, and
 * every success that clears failures, is told to the primary, which applies it to its own
 * throttle (the one REST /auth/login counts in) and passes it to every other worker. The copies
 * agree within one IPC hop: attempts that race each other in different processes inside that
 * hop are counted, only possibly answered a moment before the cooldown is seen.
 */

/** The primary's side: its throttle is the one of record; `processes` are told of every change. */
export function shareLoginCooldownFromPrimary(throttle: LoginThrottle, processes: () => GatewayProcesses | undefined): (message: GatewayMessage, from: Worker) => void {
  throttle.onChange((change) => processes()?.broadcast({ ficus: 'login', change }));
  return (message, from) => {
    if (message.ficus !== 'login') return;
    // Applied here (apply tells no listener, so it does not come back) and passed on to every other worker.
    throttle.apply(message.change);
    processes()?.broadcast(message, from);
  };
}

/** A worker's side: its throttle tells the primary, and applies what the primary passes on. */
export function shareLoginCooldownFromWorker(throttle: LoginThrottle, link: WorkerLink): void {
  throttle.onChange((change) => link.send({ ficus: 'login', change }));
  link.onMessage((message) => {
    if (message.ficus === 'login') throttle.apply(message.change);
  });
}
