/**
 * One login cooldown across gateway processes (runtime/shared-login-cooldown.ts): the primary's
 * throttle and each worker's copy, wired as node:cluster would wire them but in one process
 * (messages pass through a queue the test delivers).
 */
import { describe, expect, it } from 'vitest';
import { LOGIN_COOLDOWN_MESSAGE, LoginThrottle } from '../../odoo-bridge/auth/login-throttle.ts';
import type { GatewayProcesses } from '../../runtime/gateway-processes.ts';
import type { GatewayMessage, WorkerLink } from '../../runtime/gateway-worker-protocol.ts';
import { shareLoginCooldownFromPrimary, shareLoginCooldownFromWorker } from '../../runtime/shared-login-cooldown.ts';

const SETTINGS = { failuresBeforeCooldown: 3, cooldownMs: 60_000 };

/** A primary and `n` workers, with every IPC message queued until `deliver()`. */
function fleet(n: number) {
  const queue: (() => void)[] = [];
  const primary = new LoginThrottle(SETTINGS);
  const workers = Array.from({ length: n }, () => ({ throttle: new LoginThrottle(SETTINGS), listeners: [] as ((m: GatewayMessage) => void)[] }));
  const handles = workers.map((worker) => ({ send: (m: GatewayMessage) => queue.push(() => worker.listeners.forEach((l) => l(m))) }));
  const fromWorker = shareLoginCooldownFromPrimary(primary, () => ({
    broadcast: (message: GatewayMessage, except?: unknown) => handles.forEach((h) => h !== except && h.send(message)),
  }) as unknown as GatewayProcesses);
  workers.forEach((worker, i) => {
    const link: WorkerLink = { send: (m) => queue.push(() => fromWorker(m, handles[i] as never)), onMessage: (l) => worker.listeners.push(l) };
    shareLoginCooldownFromWorker(worker.throttle, link);
  });
  const deliver = () => {
    while (queue.length) queue.shift()!();
  };
  return { primary, workers: workers.map((w) => w.throttle), deliver };
}

const fail = async (throttle: LoginThrottle, keys: { clientAddress: string; login: number }) => throttle.attempt(keys, async () => false).catch(() => false);

describe('one login cooldown across gateway processes', () => {
  it('counts failures made in different processes together, everywhere', async () => {
    const { primary, workers, deliver } = fleet(2);
    const keys = { clientAddress: '10.0.0.1', login: 6 };
    await fail(workers[0]!, keys);
    deliver();
    await fail(workers[1]!, keys);
    deliver();
    await fail(workers[0]!, keys);
    deliver();
    // Three failures in all: every process refuses the next attempt without checking it.
    for (const throttle of [...workers, primary]) {
      await expect(throttle.attempt(keys, async () => true)).rejects.toThrow(LOGIN_COOLDOWN_MESSAGE);
    }
  });

  it('counts failures that raced each other in two processes', async () => {
    const { workers, deliver } = fleet(2);
    const keys = { clientAddress: '10.0.0.2', login: 7 };
    await fail(workers[0]!, keys);
    await fail(workers[1]!, keys); // before either heard of the other's
    await fail(workers[0]!, keys);
    deliver();
    expect(workers.map((w) => w.isOnCooldown(keys))).toEqual([true, true]);
  });

  it("a REST login failure in the main process counts in the gateway processes", async () => {
    const { primary, workers, deliver } = fleet(2);
    const keys = { clientAddress: '10.0.0.3', login: 8 };
    for (let i = 0; i < 3; i++) primary.recordFailure(keys);
    deliver();
    expect(workers.map((w) => w.isOnCooldown(keys))).toEqual([true, true]);
  });

  it('a success clears the failures in every process, and good calls send nothing', async () => {
    const { primary, workers, deliver } = fleet(2);
    const keys = { clientAddress: '10.0.0.4', login: 9 };
    await fail(workers[0]!, keys);
    await fail(workers[0]!, keys);
    deliver();
    await workers[1]!.attempt(keys, async () => true);
    deliver();
    // Two more failures would now be needed in all three for a cooldown: the count restarted.
    await fail(workers[0]!, keys);
    await fail(workers[1]!, keys);
    deliver();
    expect([primary, ...workers].map((t) => t.isOnCooldown(keys))).toEqual([false, false, false]);

    let messages = 0;
    const quiet = new LoginThrottle(SETTINGS);
    quiet.onChange(() => messages++);
    for (let i = 0; i < 100; i++) await quiet.attempt({ clientAddress: '10.0.0.5', login: 10 }, async () => true);
    expect(messages).toBe(0);
  });
});
