import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { onKysely } from '../db/sql-runner.ts';
import { ChannelFailure, type ChannelMessage, type ChannelSenders } from './channel.ts';
import { claimDueDeliveries, markDelivered, markFailed, nextDueAt, recipientAddresses, type DeliveryRow } from './channel-deliveries.ts';
import { LOCAL_CHANNELS } from './channel-local.ts';

/** How deliveries are retried. */
export interface DispatchPolicy {
  /** Attempts in all; the last failed one makes the delivery dead. */
  maxAttempts: number;
  /** The wait after the `attempt`-th failed attempt (1-based). */
  backoffMs(attempt: number): number;
  /** How long a claimed delivery is not due again: a sender that crashed mid-send leaves it to be attempted once this passes. */
  leaseMs: number;
  /** Deliveries claimed per round. */
  batch: number;
}

/** 1 s, 2 s, 4 s … doubling up to an hour, with up to a fifth more at random so failed deliveries do not retry in lockstep; six attempts. */
export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = {
  maxAttempts: 6,
  backoffMs: (attempt) => Math.min(1000 * 2 ** (attempt - 1), 3_600_000) * (1 + Math.random() / 5),
  leaseMs: 60_000,
  batch: 100,
};

export interface DispatchRound {
  delivered: number;
  retried: number;
  dead: number;
}

/** Why a delivery has no address on its channel (dead at once: retrying cannot find one). */
const NO_ADDRESS = 'no_address';

function messageOf(delivery: DeliveryRow, address: { email: string | null; phone: string | null } | undefined): ChannelMessage | null {
  const to = delivery.channel === 'push' ? `user:${delivery.user_id}` : delivery.channel === 'email' ? address?.email : address?.phone;
  if (!to) return null;
  return { deliveryId: delivery.id, channel: delivery.channel, userId: delivery.user_id, address: to, title: delivery.title, body: delivery.body };
}

/**
 * One round: claims the due deliveries, sends each through its channel's sender (no transaction
 * held meanwhile: a provider may be slow) and records the outcome. A failure is retried after the
 * policy's backoff, or dead after the last attempt or at once when permanent. The log names the
 * delivery, channel, attempt and error code only: never an address, a title or a body.
 */
export async function dispatchDueDeliveries(db: Kysely<any>, senders: ChannelSenders, policy: DispatchPolicy, log: Pick<Logger, 'warn'>): Promise<DispatchRound> {
  const run = onKysely(db);
  const round: DispatchRound = { delivered: 0, retried: 0, dead: 0 };
  const claimed = await claimDueDeliveries(run, policy.batch, policy.leaseMs);
  if (!claimed.length) return round;
  const addresses = await recipientAddresses(run, claimed.filter((d) => d.channel !== 'push').map((d) => d.user_id));
  await Promise.all(claimed.map(async (delivery) => {
    const message = messageOf(delivery, addresses.get(delivery.user_id));
    let failure: { code: string; permanent: boolean };
    if (!message) {
      failure = { code: NO_ADDRESS, permanent: true };
    } else {
      try {
        const { providerMessageId } = await senders[delivery.channel].send(message);
        await markDelivered(run, delivery.id, providerMessageId);
        round.delivered++;
        return;
      } catch (error) {
        failure = error instanceof ChannelFailure ? { code: error.code, permanent: error.permanent } : { code: 'transient', permanent: false };
      }
    }
    const dead = failure.permanent || delivery.attempts >= policy.maxAttempts;
    await markFailed(run, delivery.id, failure.code, dead ? null : policy.backoffMs(delivery.attempts));
    if (dead) round.dead++;
    else round.retried++;
    log.warn({ deliveryId: delivery.id, channel: delivery.channel, attempt: delivery.attempts, code: failure.code, dead }, 'notification delivery failed');
  }));
  return round;
}

/**
 * Runs rounds for one svc_ops database: kicked after each send commits, and woken by a timer
 * when the next retry is due. Kicks while a round runs make one more round after it; the timer
 * never keeps the process alive.
 */
export class DeliveryDispatcher {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Kysely<any>,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
    private readonly senders: ChannelSenders = LOCAL_CHANNELS,
    private readonly policy: DispatchPolicy = DEFAULT_DISPATCH_POLICY,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /** Resolves when no round is running (tests, a stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        const round = await dispatchDueDeliveries(this.db, this.senders, this.policy, this.log);
        // A full batch: more may be due already.
        if (round.delivered + round.retried + round.dead >= this.policy.batch) this.again = true;
      } while (this.again && !this.stopped);
      await this.schedule();
    } catch (error) {
      this.log.error({ err: error }, 'notification dispatch failed; retried in a minute');
      this.wakeIn(60_000);
    }
  }

  private async schedule(): Promise<void> {
    const due = await nextDueAt(onKysely(this.db));
    if (due) this.wakeIn(Math.max(0, due.getTime() - Date.now()));
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.min(ms, 2 ** 31 - 1) + 10);
    this.timer.unref();
  }
}

const dispatchers = new WeakMap<object, DeliveryDispatcher>();

/** The dispatcher of a svc_ops database (one per Kysely instance, with the deployment's channels: the local ones until a provider is configured). */
export function deliveryDispatcherOf(db: Kysely<any>, log: Pick<Logger, 'warn' | 'error'>): DeliveryDispatcher {
  let dispatcher = dispatchers.get(db);
  if (!dispatcher) dispatchers.set(db, (dispatcher = new DeliveryDispatcher(db, log)));
  return dispatcher;
}

/**
 * The dispatcher as the ops service's background work (ServiceDefinition.background): at start it
 * delivers what a stop or crash left due and sets its timer for the next retry; stopping it waits
 * for the round in progress.
 */
export function notificationDelivery(ports: { db: Kysely<any>; logger: Pick<Logger, 'warn' | 'error'> }): { stop(): Promise<void> } {
  const dispatcher = deliveryDispatcherOf(ports.db, ports.logger);
  dispatcher.kick();
  return {
    async stop() {
      dispatcher.stop();
      await dispatcher.idle();
    },
  };
}
