import { messageOf, type DrillCall } from './call-recorder.ts';
import type { RpcLogin } from './rpc-logins.ts';

/** What a read of a row that is not (yet) where it was read answers: Odoo's MissingError, the rules' AccessError, REST's 404. */
export const NOT_VISIBLE = /Record does not exist or has been deleted|doesn't have 'read' access to|: 404 /;

/** A read right after the client's own write that did not show it (read-your-writes); times are epoch ms. */
export interface StaleRead {
  method: string;
  /** When the write was sent, when it was answered, when the read was sent. */
  writtenAt: number;
  answeredAt: number;
  readAt: number;
  detail: string;
}

/** What a load that reads its writes back reports of them. */
export interface ReadBackFigures {
  /** Reads of a row right after its write (the same client, protocol and row): how many, and those that missed the write. */
  readBacks: number;
  staleReads: StaleRead[];
}

export type QueueReadBack<Channel extends string> = (method: string, channel: Channel, key: string, writtenAt: number, read: () => Promise<string | undefined>, then?: () => void) => void;

export interface ReadBackQueue<Channel extends string> {
  /** Read-backs waiting for a read slot of the load (open-loop slots take them before new reads). */
  queue: DrillCall<Channel>[];
  /**
   * Queues a read by the client that wrote, of what it wrote; `read` answers what differs from
   * the write (undefined when the read shows it). The row (`key`) stays busy until the read is
   * answered; then `then` runs (a lifecycle goes on).
   */
  queueReadBack: QueueReadBack<Channel>;
  /** A read-back over Odoo RPC of `model` `id`; `check` holds the values as the write left them (taken when the write was answered). */
  readBack(who: RpcLogin, model: string, id: number, fields: string[], writtenAt: number, check: (row: Record<string, unknown>) => string | undefined, then?: () => void): void;
}

/**
 * Read-your-writes as every drill load checks it: each write is read back once by the client that
 * made it, over the same protocol, and the row is never written again before that read is
 * answered (`busy`), so a read-back that differs is the gateway's doing, recorded as stale.
 */
export function readBackQueue<Channel extends string>(report: ReadBackFigures, busy: Set<string>): ReadBackQueue<Channel> {
  const queue: DrillCall<Channel>[] = [];
  const queueReadBack: QueueReadBack<Channel> = (method, channel, key, writtenAt, read, then) => {
    const answeredAt = Date.now();
    busy.add(key);
    queue.push({
      method: `${method} (read-back)`, channel, write: false,
      run: async () => {
        const readAt = Date.now();
        try {
          report.readBacks++;
          let wrong: string | undefined;
          try {
            wrong = await read();
          } catch (error) {
            // The row not there to read is a read that missed its write; any other error fails the call.
            if (!NOT_VISIBLE.test(messageOf(error))) throw error;
            wrong = `${key} not visible: ${messageOf(error).slice(0, 160)}`;
          }
          if (wrong) report.staleReads.push({ method, writtenAt, answeredAt, readAt, detail: wrong });
        } finally {
          busy.delete(key);
          then?.();
        }
      },
    });
  };
  return {
    queue,
    queueReadBack,
    readBack: (who, model, id, fields, writtenAt, check, then) =>
      queueReadBack(`${model}.read`, who.channel as Channel, `${model}#${id}`, writtenAt, async () => {
        const rows = (await who.exec(model, 'read', [[id], fields])) as Record<string, unknown>[];
        const wrong = rows.length ? check(rows[0]!) : `not found by ${who.login}`;
        return wrong && `${model} ${id}: ${wrong}`;
      }, then),
  };
}

/**
 * Runs `call`, turning the addon's refusal `expected` into an answer (recorded in `refusals`);
 * any other error fails the call, and no refusal at all is an error (`what` was accepted).
 */
export async function expectRefusal(refusals: { method: string; message: string }[], method: string, expected: RegExp, call: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!expected.test(messageOf(error))) throw error;
    refusals.push({ method, message: messageOf(error).slice(0, 120) });
    return;
  }
  throw new Error(`${what} was accepted`);
}
